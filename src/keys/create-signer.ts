import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Signer, SigningAlg } from './signer.js';

/**
 * A Signer over a node:crypto private KeyObject (the fast path: OpenSSL, not JavaScript).
 * Signs on the calling thread. The callback form (libuv's thread pool) cost more CPU than it
 * moved off the event loop: measured on the 2-core machine, an ES256 signature is ~0.05 ms of
 * CPU here and 0.065–0.09 ms through the pool (each job a cross-thread hand-off and wake-up),
 * and issue 22's target is server CPU per credential. The second core is used by a second
 * process instead (WORKERS).
 */
export function createSigner(kid: string, alg: SigningAlg, publicJwk: JWK, privateKey: KeyObject): Signer {
  const digest = alg === 'ES256' ? 'sha256' : null;
  return {
    kid,
    alg,
    publicJwk,
    // RFC 7518 §3.4: ES256 signatures are the raw 64-byte R||S, not DER.
    sign: async (input) => cryptoSign(digest, input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}
