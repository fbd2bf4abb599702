/**
 * Data element values (ISO/IEC 18013-5 §7.2.1: CBOR) as the JSON the policy, receipts and
 * verifier answers work with: text, integers, booleans and null as they are; byte strings
 * (portraits, signatures) as base64url; tdate (tag 0) as RFC 3339; full-date (tag 1004) as
 * `YYYY-MM-DD`; maps with text keys as objects; arrays as arrays. Anything else (a float that
 * is not finite, a map with other keys) is refused rather than guessed at.
 */
import { DateOnly } from '@owf/mdoc';
import { formatError } from '../error-codes.js';
import type { JsonObject, JsonValue } from '../jose/types.js';
import type { DisclosedItem } from './parse-device-response.js';

export function toJsonValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64url');
  if (v instanceof Date || v instanceof DateOnly) {
    const text =
      v.toString() === 'Invalid Date'
        ? undefined
        : (() => {
            try {
              return v.toISOString();
            } catch {
              return undefined;
            }
          })();
    if (text === undefined) throw formatError('mdoc_malformed', 'an element value is a tdate or full-date that is not a date');
    return text;
  }
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v instanceof Map) {
    const o: JsonObject = {};
    for (const [k, x] of v) {
      if (typeof k !== 'string' || k === '__proto__')
        throw formatError('mdoc_malformed', 'an element value has a map key that is not text');
      o[k] = toJsonValue(x);
    }
    return o;
  }
  throw formatError('mdoc_malformed', 'an element value of a type we do not read');
}

/** `{ namespace: { elementIdentifier: value } }` of the disclosed items. */
export function readMdocClaims(items: readonly DisclosedItem[]): JsonObject {
  const claims: Record<string, JsonObject> = {};
  for (const i of items) {
    if (i.namespace === '__proto__' || i.elementIdentifier === '__proto__') throw formatError('mdoc_malformed', 'a reserved name');
    (claims[i.namespace] ??= {})[i.elementIdentifier] = toJsonValue(i.elementValue);
  }
  return claims;
}
