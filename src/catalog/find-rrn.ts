/**
 * The full resident registration number (주민등록번호, and the foreigner registration number of
 * the same shape) is never put in a credential (DESIGN.md, "Personal data"): birth date and age
 * predicates stand in for it. These two guards catch it by claim name (at boot) and by value
 * (at boot in examples, and on every issuance request).
 */
import type { ClaimSchema, ClaimValue } from './types.js';
import { pointerOf, type PointerPath } from './describe-ajv-errors.js';

/**
 * Claim names that announce an RRN or a foreigner registration number: rrn, ssn, jumin(_no),
 * resident_registration_number, alien_reg_no, foreigner_registration_number, ...
 */
export const RRN_CLAIM_NAME =
  /(^|_)(rrn|ssn|jumin)|resident_?reg(istration)?_?(no|num|number)|(alien|foreign(er)?)_?reg(istration)?_?(no|num|number)/;

/**
 * YYMMDD, an optional hyphen, then a 7-digit back half whose first digit (1-8) encodes century
 * and sex: `900101-1234567` or `9001011234567`, not inside a longer run of digits.
 */
export const RRN_VALUE = /(?<![0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[ ]?-?[ ]?[1-8][0-9]{6}(?![0-9])/;

/**
 * JSON pointer of the first string value that looks like an RRN, or undefined. Binary members
 * (`contentEncoding`, such as a base64url portrait) are skipped: a digit run there is noise.
 * The value is expected to have passed `schema` already.
 */
export function findRrnValue(value: ClaimValue, schema: ClaimSchema | undefined, path?: PointerPath): string | undefined {
  if (typeof value === 'string') {
    return schema?.contentEncoding === undefined && RRN_VALUE.test(value) ? pointerOf(path) : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findRrnValue(value[i] as ClaimValue, schema?.items, { parent: path, token: i });
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const name of Object.keys(value)) {
      const hit = findRrnValue(value[name] as ClaimValue, schema?.properties?.[name], { parent: path, token: name });
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}
