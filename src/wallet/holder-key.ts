/**
 * Holder keys for the reference wallet and tests: a device key pair and a Signer over it.
 * (A phone would keep the private key in its secure element; the Signer interface is the seam.)
 */
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import { createPrivateKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { createSigner } from '../keys/create-signer.js';
import type { Signer, SigningAlg } from '../keys/signer.js';

export interface HolderKey {
  privateJwk: JWK;
  publicJwk: JWK;
  signer: Signer;
}

const publicPart = (jwk: JWK): JWK =>
  jwk.kty === 'EC' ? { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! } : { kty: 'OKP', crv: jwk.crv!, x: jwk.x! };

export async function holderSignerFromJwk(privateJwk: JWK): Promise<HolderKey> {
  const alg: SigningAlg = privateJwk.kty === 'EC' ? 'ES256' : 'EdDSA';
  const publicJwk = publicPart(privateJwk);
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const kid = jwkThumbprint(publicJwk);
  return { privateJwk, publicJwk, signer: createSigner(kid, alg, publicJwk, key) };
}

export async function generateHolderKey(alg: SigningAlg = 'ES256'): Promise<HolderKey> {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return holderSignerFromJwk(privateKey.export({ format: 'jwk' }) as JWK);
}
