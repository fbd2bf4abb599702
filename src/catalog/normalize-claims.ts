/**
 * A fresh copy of caller-supplied claims with every string in Unicode NFC (DESIGN.md: names are
 * NFC-normalised; an NFD Hangul name would otherwise fail the Hangul patterns or be signed in a
 * form that compares unequal byte for byte). Member names are kept as sent: they are checked
 * against the schema, never rewritten.
 *
 * The copy is built with `Object.fromEntries`, which defines own properties, so a `__proto__`
 * member stays a plain (and later rejected) member instead of changing a prototype. Nesting is
 * bounded: no credential type nests deeper than a few levels, and a 10,000-deep body must get a
 * 400, not a stack overflow.
 */
import { badRequest } from '../errors.js';
import type { ClaimValue } from './types.js';
import { pointerOf, type PointerPath } from './describe-ajv-errors.js';
import { fieldError, ownFieldError } from '../verdict/field-messages.js';

export const MAX_CLAIM_DEPTH = 16;

/**
 * Text below U+0300 (Latin-1 and the Latin extensions, IPA, spacing modifiers) is already NFC:
 * composition needs a combining mark (U+0300 on) or a Hangul jamo, and no character below that
 * has another normal form. The test is the fast path for long ASCII claims (a 15 KB base64url
 * portrait: 16 µs in ICU per call, issue 22); V8 answers it at once for a one-byte string.
 */
const MAY_CHANGE_UNDER_NFC = /[\u0300-\uffff]/;

export function normalizeClaims(value: unknown, path?: PointerPath, depth = 0): ClaimValue {
  if (depth > MAX_CLAIM_DEPTH) {
    throw badRequest('invalid_claims', 'claims are nested too deeply', {
      errors: [
        fieldError(pointerOf(path), `nests deeper than ${MAX_CLAIM_DEPTH} levels`, `${MAX_CLAIM_DEPTH}단계보다 깊이 중첩할 수 없습니다.`),
      ],
    });
  }
  if (typeof value === 'string') return MAY_CHANGE_UNDER_NFC.test(value) ? value.normalize('NFC') : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v, i) => normalizeClaims(v, { parent: path, token: i }, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeClaims(v, { parent: path, token: k }, depth + 1)]));
  }
  throw badRequest('invalid_claims', 'claims must be JSON values', {
    errors: [ownFieldError(pointerOf(path), 'notJsonValue')],
  });
}
