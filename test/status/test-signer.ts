/** A throwaway P-256 `Signer` for tests: node:crypto key, raw r||s signatures (RFC 7518 §3.4). */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Signer } from '../../src/keys/signer.js';

export type TestSigner = Signer & { publicKey: KeyObject };

export const createTestSigner = async (): Promise<TestSigner> => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    kid,
    alg: 'ES256',
    publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' },
    publicKey,
    sign: async (input) => new Uint8Array(sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
  };
};
