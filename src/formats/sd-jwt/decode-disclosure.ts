/** Decodes Disclosures (RFC 9901 §4.2.1, §4.2.2) and indexes them by digest (§7.1 step 3.1). */
import { formatError } from '../error-codes.js';
import { decodeBase64url } from '../jose/base64url.js';
import { parseJson } from '../jose/parse-json.js';
import type { JsonValue } from '../jose/types.js';
import { sdDigest } from './compute-digest.js';

export interface Disclosure {
  /** The base64url text exactly as received; the digest is taken over it. */
  encoded: string;
  digest: string;
  salt: string;
  /** Present for an object property (3 elements), absent for an array element (2 elements). */
  name?: string;
  value: JsonValue;
}

export function decodeDisclosure(encoded: string): Disclosure {
  const code = 'sd_jwt_disclosure_malformed';
  // §4.2.1: base64url of the UTF-8 bytes of a JSON array (strict: no padding, no stray chars).
  const arr = parseJson(decodeBase64url(encoded, code), code);
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) {
    throw formatError(code, 'disclosure is not a JSON array of 2 or 3 elements');
  }
  const [salt, second, third] = arr;
  // §4.2.1: the salt MUST be a string.
  if (typeof salt !== 'string') throw formatError(code, 'disclosure salt is not a string');
  const digest = sdDigest(encoded);
  if (arr.length === 2) return { encoded, digest, salt, value: second! };
  // §4.2.1: the claim name MUST be a string.
  if (typeof second !== 'string') throw formatError(code, 'disclosure claim name is not a string');
  return { encoded, digest, salt, name: second, value: third! };
}

/** Decodes every Disclosure; the same Disclosure twice is rejected (RFC 9901 §4, §7.1 step 4). */
export function indexDisclosures(disclosures: readonly string[]): Map<string, Disclosure> {
  const index = new Map<string, Disclosure>();
  for (const encoded of disclosures) {
    const d = decodeDisclosure(encoded);
    // §4: "A Holder MUST NOT ... send a Disclosure more than once"; equal text ⇒ equal digest.
    if (index.has(d.digest)) throw formatError('sd_jwt_duplicate_disclosure', 'the same disclosure appears twice');
    index.set(d.digest, d);
  }
  return index;
}
