import { hash } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC or OKP public key, synchronously.
 * jose's calculateJwkThumbprint goes through WebCrypto's async digest, which cost ~0.2 ms of
 * promise machinery per call on the issuance path (cpu-prof); the hash itself is microseconds.
 */
export function jwkThumbprint(jwk: JWK): string {
  // §3.2: only the required members, in lexicographic order, no whitespace.
  let canonical: string;
  if (jwk.kty === 'EC') canonical = JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  else if (jwk.kty === 'OKP') canonical = JSON.stringify({ crv: jwk.crv, kty: 'OKP', x: jwk.x });
  else throw new TypeError(`no thumbprint for kty ${String(jwk.kty)}`);
  if (typeof jwk.crv !== 'string' || typeof jwk.x !== 'string' || (jwk.kty === 'EC' && typeof jwk.y !== 'string')) {
    throw new TypeError('JWK is missing required members');
  }
  return hash('sha256', canonical, 'base64url');
}
