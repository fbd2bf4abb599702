/**
 * A COSE_Sign1 signature checked with node:crypto (RFC 9052 §4.4, RFC 9053 §2.1 / §2.2).
 * Allow-list before any crypto (RFC 8725bis §3.1 in spirit): ES256 (-7) on P-256, ES384 (-35)
 * on P-384, EdDSA (-8) on Ed25519; each key is used with the one algorithm that fits it.
 * ECDSA signatures in COSE are r‖s of fixed length (RFC 9053 §2.1), never DER.
 */
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { formatError } from '../error-codes.js';
import type { CoseSign1 } from './parse-cose-sign1.js';
import { sigStructure } from './sig-structure.js';

const ALGS = new Map<number, { hash: string | null; curve: string; size: number }>([
  [-7, { hash: 'sha256', curve: 'prime256v1', size: 64 }],
  [-35, { hash: 'sha384', curve: 'secp384r1', size: 96 }],
  [-8, { hash: null, curve: 'ed25519', size: 64 }],
]);

/** Whether `alg` is on the allow-list at all (before any key is known). */
export const isAllowedCoseAlg = (alg: number): boolean => ALGS.has(alg);

/** Throws `mdoc_alg_not_allowed` when `alg` is off the list or does not fit `key`. */
function checkCoseAlg(alg: number, key: KeyObject): void {
  const a = ALGS.get(alg);
  const curve = key.asymmetricKeyType === 'ed25519' ? 'ed25519' : key.asymmetricKeyDetails?.namedCurve;
  if (!a || a.curve !== curve) throw formatError('mdoc_alg_not_allowed', `COSE alg ${alg} is not accepted with this key`);
}

/** True when `s` (with `payload`, detached or its own) is signed by `key`. */
export function verifyCoseSignature(s: CoseSign1, payload: Uint8Array, key: KeyObject): boolean {
  checkCoseAlg(s.alg, key);
  const a = ALGS.get(s.alg)!;
  if (s.signature.length !== a.size) return false;
  try {
    return cryptoVerify(a.hash, sigStructure(s.protectedBytes, payload), a.hash ? { key, dsaEncoding: 'ieee-p1363' } : key, s.signature);
  } catch {
    return false;
  }
}
