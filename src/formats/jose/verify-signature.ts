/**
 * Checks one raw JWS signature with node:crypto (10–30× faster than pure-JS curves).
 *
 * Shape is checked before any curve arithmetic: ES256 is exactly 64 bytes of r||s with r and s
 * in [1, n-1] (RFC 7518 §3.4; a DER signature or r = 0 / s ≥ n never reaches OpenSSL), and
 * Ed25519 is exactly 64 bytes (RFC 8037 §3.1, RFC 8032 §5.1.7).
 */
import { verify, type KeyObject } from 'node:crypto';
import type { SigningAlg } from './signer.js';

/** P-256 group order n, big-endian. */
const P256_N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

/** True when the 32-byte big-endian integer at `bytes[off..off+32]` is in [1, n-1]. */
function inScalarRange(bytes: Uint8Array, off: number): boolean {
  let zero = true;
  let cmp = 0; // sign of (value - n), decided by the first differing byte
  for (let i = 0; i < 32; i++) {
    const b = bytes[off + i]!;
    if (b !== 0) zero = false;
    if (cmp === 0 && b !== P256_N[i]) cmp = b < P256_N[i]! ? -1 : 1;
  }
  return !zero && cmp < 0;
}

/**
 * Resolves whether `signature` is a valid `alg` signature by `key` over `data`; never rejects.
 * Verifies on the calling thread, for the reason create-signer.ts gives: the thread pool's
 * hand-off and OpenSSL's lock contention cost more CPU than the event loop saved.
 */
export function verifyJwsSignature(alg: SigningAlg, key: KeyObject, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return Promise.resolve(false);
  // RFC 7518 §3.4: r and s are 32-byte unsigned big-endian integers; both must be in [1, n-1].
  if (alg === 'ES256' && (!inScalarRange(signature, 0) || !inScalarRange(signature, 32))) return Promise.resolve(false);
  // A key of the wrong type never verifies: node:crypto throws, and that is a false.
  try {
    return Promise.resolve(
      alg === 'ES256' ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature) : verify(null, data, key, signature),
    );
  } catch {
    return Promise.resolve(false);
  }
}
