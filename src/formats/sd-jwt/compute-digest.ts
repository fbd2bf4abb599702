/** Digests for SD-JWT (RFC 9901 §4.2.3, §4.3.1) and the `_sd_alg` check (§4.1.1). */
import { hash } from 'node:crypto';

export { checkSdAlg, SD_ALG } from './sd-alg.js';

/** base64url(SHA-256(ASCII text)): the digest of a Disclosure, a decoy, or an SD-JWT (`sd_hash`). */
// crypto.hash (Node 20.12+; package.json asks for 20.19) is the one-shot form: about 3× faster than
// createHash().update().digest() for these short inputs, and issuance computes ~25 digests per credential.
export const sdDigest = (ascii: string): string => hash('sha256', ascii, 'base64url');
