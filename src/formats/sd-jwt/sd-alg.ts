/**
 * The `_sd_alg` rule (RFC 9901 §4.1.1), apart from the hashing itself (compute-digest.ts, which
 * needs node:crypto) so the browser wallet applies Disclosures with the same module as the server.
 */
import { formatError } from '../error-codes.js';
import { hasOwn, type JsonObject } from '../jose/types.js';

/** The only hash we accept; RFC 9901 §4.1.1 makes it mandatory to support and the default. */
export const SD_ALG = 'sha-256';

/**
 * RFC 9901 §7.1 step 2.5 / §4.1.1: `_sd_alg` absent means sha-256; otherwise it must be exactly
 * `sha-256` (the value is case-sensitive, so `SHA-256` is rejected like an unknown hash).
 */
export function checkSdAlg(payload: JsonObject): typeof SD_ALG {
  if (hasOwn(payload, '_sd_alg') && payload._sd_alg !== SD_ALG) {
    throw formatError('sd_jwt_bad_sd_alg', `unsupported _sd_alg ${JSON.stringify(payload._sd_alg)}`);
  }
  return SD_ALG;
}
