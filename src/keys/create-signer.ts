import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { Signer, SigningAlg } from './signer.js';

/** A Signer over a node:crypto private KeyObject (the fast path: OpenSSL, not JavaScript). */
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
