/** Digests for SD-JWT (RFC 9901 §4.2.3, §4.3.1) and the `_sd_alg` check (§4.1.1). */
import { hash } from 'node:crypto';
import { formatError } from '../error-codes.js';
import { hasOwn, type JsonObject } from '../jose/types.js';

/** The only hash we accept; RFC 9901 §4.1.1 makes it mandatory to support and the default. */
export const SD_ALG = 'sha-256';

/** base64url(SHA-256(ASCII text)): the digest of a Disclosure, a decoy, or an SD-JWT (`sd_hash`). */
// crypto.hash (Node 20.12+; package.json asks for 20.19) is the one-shot form: about 3× faster than
// createHash().update().digest() for these short inputs, and issuance computes ~25 digests per credential.
export const sdDigest = (ascii: string): string => hash('sha256', ascii, 'base64url');

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
