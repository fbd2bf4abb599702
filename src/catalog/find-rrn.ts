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
 * YYMMDD, an optional separator, then a 7-digit back half whose first digit (1-8) encodes
 * century and sex: `900101-1234567` or `9001011234567`, not inside a longer run of digits.
 * Applied to `rrnComparable(text)`, where every separator run has become one `-`.
 */
export const RRN_VALUE = /(?<![0-9])[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])-?[1-8][0-9]{6}(?![0-9])/;

/**
 * Runs of what people put between the halves: any Unicode dash (Pd: hyphen, en and em dash,
 * U+2010-2015, U+FE58, …), the minus sign U+2212 (a math symbol, not Pd), dots (U+002E and
 * the one-dot leader U+2024, dot operator U+22C5, bullet operator U+2219), middle dots
 * (U+00B7, U+2027, U+30FB) and spaces (Zs). NFKC has already folded full-width and other
 * compatibility forms (`９００１０１－１２３４５６７`, U+FF0E, U+FF65) into these.
 */
const SEPARATORS = /[\p{Pd}\p{Zs}\u2212.\u2024\u22C5\u2219\u00B7\u2027\u30FB]+/gu;

/** Format characters (zero-width space, bidi marks) hide nothing from this check: they are dropped. */
const FORMAT = /\p{Cf}/gu;

/** The text as the RRN pattern sees it: NFKC (full-width digits → ASCII), separators → `-`. */
export const rrnComparable = (text: string): string => text.normalize('NFKC').replace(FORMAT, '').replace(SEPARATORS, '-');

export const looksLikeRrn = (text: string): boolean => RRN_VALUE.test(rrnComparable(text));

/**
 * JSON pointer of the first string value that looks like an RRN, or undefined. Binary members
 * (`contentEncoding`, such as a base64url portrait) are skipped: a digit run there is noise.
 * The value is expected to have passed `schema` already.
 */
export function findRrnValue(value: ClaimValue, schema: ClaimSchema | undefined, path?: PointerPath): string | undefined {
  if (typeof value === 'string') {
    return schema?.contentEncoding === undefined && looksLikeRrn(value) ? pointerOf(path) : undefined;
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
