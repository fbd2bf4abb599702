/**
 * A P-256 ECDH-ES key (JWE key agreement) whose private scalar is stored only sealed
 * (seal-private-key.ts): the OpenID4VCI credential request keys (issuance/request-encryption) and
 * the OpenID4VP per-request response keys (presentation/response-encryption). `owner` is bound
 * into the seal with the kid, so a row of one use does not open as the other.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { openPrivateKey, sealPrivateKey } from './seal-private-key.js';

/** The public key as published (OpenID4VCI §12.2.4 jwks; OpenID4VP §8.3: `alg` MUST be present). */
export interface EcdhPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  use: 'enc';
  alg: 'ECDH-ES';
}

/** A fresh key with a random 128-bit kid: its public JWK and its sealed private scalar. */
export function newSealedEcdhKey(sealKey: Buffer, owner: string): { kid: string; publicJwk: EcdhPublicJwk; sealed: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; y: string; d: string };
  const kid = randomBytes(16).toString('base64url');
  const publicJwk: EcdhPublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'enc', alg: 'ECDH-ES' };
  return { kid, publicJwk, sealed: sealPrivateKey(sealKey, owner, kid, jwk.d) };
}

/** The private key, or undefined when `sealed` does not open under `sealKey` for this owner and kid. */
export function openSealedEcdhKey(
  sealKey: Buffer,
  owner: string,
  kid: string,
  sealed: string,
  publicJwk: { x: string; y: string },
): KeyObject | undefined {
  const d = openPrivateKey(sealKey, owner, kid, sealed);
  if (d === undefined) return undefined;
  return createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y, d } });
}
