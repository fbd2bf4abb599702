/**
 * Mechanisms and curve parameters per signing algorithm, for key generation and signing in a PKCS#11
 * token. The mechanism numbers are the standard's, not pkcs11js's constants: the server's main thread
 * reads this table (through the key store) and never loads the native module (the module thread does).
 */
import type { SigningAlg } from '../signer.js';

// PKCS#11 v2.40 §2.3: elliptic-curve key generation and ECDSA (pkcs11js.CKM_EC_KEY_PAIR_GEN, CKM_ECDSA).
const CKM_EC_KEY_PAIR_GEN = 0x1040;
const CKM_ECDSA = 0x1041;
// PKCS#11 v3.0 §6.3 / §6.3.5: Edwards-curve mechanisms (pkcs11js 2.1 has no constants for them).
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;

export interface AlgProfile {
  keyGen: number;
  sign: number;
  mechanismNames: string;
  /** CKA_EC_PARAMS: DER OID of the curve (P-256 1.2.840.10045.3.1.7; Ed25519 1.3.101.112, RFC 8410). */
  ecParams: Buffer;
}

export const PROFILES: Record<SigningAlg, AlgProfile> = {
  ES256: { keyGen: CKM_EC_KEY_PAIR_GEN, sign: CKM_ECDSA, mechanismNames: 'CKM_EC_KEY_PAIR_GEN and CKM_ECDSA', ecParams: Buffer.from('06082a8648ce3d030107', 'hex') },
  EdDSA: { keyGen: CKM_EC_EDWARDS_KEY_PAIR_GEN, sign: CKM_EDDSA, mechanismNames: 'CKM_EC_EDWARDS_KEY_PAIR_GEN and CKM_EDDSA', ecParams: Buffer.from('06032b6570', 'hex') },
};

/** Whether a token offering `mechanisms` can make and use keys for `alg`. */
export const tokenSupports = (mechanisms: ReadonlySet<number>, alg: SigningAlg): boolean =>
  mechanisms.has(PROFILES[alg].keyGen) && mechanisms.has(PROFILES[alg].sign);
