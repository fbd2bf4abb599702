/**
 * A Disclosure's shape (RFC 9901 §4.2.1, §4.2.2) from its decoded bytes: pure (no hashing, no
 * Buffer), so the browser wallet reads Disclosures by the server's rules (strict JSON: no
 * duplicate member names, no lone surrogates) and only hashes and decodes base64url its own way.
 */
import { formatError } from '../error-codes.js';
import { parseJson } from '../jose/parse-json.js';
import type { JsonValue } from '../jose/types.js';

export interface Disclosure {
  /** The base64url text exactly as received; the digest is taken over it. */
  encoded: string;
  digest: string;
  salt: string;
  /** Present for an object property (3 elements), absent for an array element (2 elements). */
  name?: string;
  value: JsonValue;
}

/** `bytes` are the decoded `encoded` (base64url checked canonical by the caller), `digest` its hash. */
export function readDisclosure(encoded: string, digest: string, bytes: Uint8Array): Disclosure {
  const code = 'sd_jwt_disclosure_malformed';
  // §4.2.1: the UTF-8 bytes of a JSON array.
  const arr = parseJson(bytes, code);
  if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) {
    throw formatError(code, 'disclosure is not a JSON array of 2 or 3 elements');
  }
  const [salt, second, third] = arr;
  // §4.2.1: the salt MUST be a string.
  if (typeof salt !== 'string') throw formatError(code, 'disclosure salt is not a string');
  if (arr.length === 2) return { encoded, digest, salt, value: second! };
  // §4.2.1: the claim name MUST be a string.
  if (typeof second !== 'string') throw formatError(code, 'disclosure claim name is not a string');
  return { encoded, digest, salt, name: second, value: third! };
}
