/**
 * CKA_EC_POINT → public JWK. PKCS#11 (v2.40 §2.3.3, v3.0 §2.3.5) gives the point as the DER
 * encoding of an OCTET STRING wrapping it: for P-256 the SEC 1 uncompressed point (04||x||y),
 * for Ed25519 the 32-byte RFC 8032 encoding. Some modules return the bare point; both are read.
 * The point is checked with @noble/curves (on the curve, not the identity) before it is published:
 * a module bug must not put a bad key in the JWKS. Hand-written DER: one tag, one length byte.
 */
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { JWK } from 'jose';
import type { SigningAlg } from '../signer.js';
import { jwkThumbprint } from '../jwk-thumbprint.js';

const POINT_LENGTH: Record<SigningAlg, number> = { ES256: 65, EdDSA: 32 };

function unwrapOctetString(der: Uint8Array, expected: number): Uint8Array {
  if (der.length === expected) return der;
  // 0x04 OCTET STRING, short-form length (both points are < 128 bytes).
  if (der.length === expected + 2 && der[0] === 0x04 && der[1] === expected) return der.subarray(2);
  throw new Error(`CKA_EC_POINT is ${der.length} bytes, not a ${expected}-byte point`);
}

/** Public JWK with kid (RFC 7638 thumbprint), alg and use, from the module's CKA_EC_POINT. */
export function publicJwkFromEcPoint(ecPoint: Uint8Array, alg: SigningAlg): JWK {
  const point = unwrapOctetString(ecPoint, POINT_LENGTH[alg]);
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  let base: JWK;
  if (alg === 'ES256') {
    if (point[0] !== 0x04) throw new Error('CKA_EC_POINT is not an uncompressed P-256 point');
    p256.Point.fromBytes(point).assertValidity();
    base = { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) };
  } else {
    ed25519.Point.fromBytes(point).assertValidity();
    base = { kty: 'OKP', crv: 'Ed25519', x: b64u(point) };
  }
  return { ...base, kid: jwkThumbprint(base), alg, use: 'sig' };
}
