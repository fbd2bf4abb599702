import type { JWK } from 'jose';
import type { Signer, SigningAlg } from './signer.js';
import { unavailable, type AppError } from '../errors.js';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JWK;
  /**
   * Where the private half is, stored with the key's state: a file name inside KEYS_DIR
   * (file backend) or `pkcs11:<CKA_ID in hex>` (PKCS#11 backend).
   */
  file: string;
}

/**
 * Holds the private halves of the signing keys. Key states (active, retiring, retired) live in
 * the store; a backend only makes keys and signs with them. `file`: encrypted files in KEYS_DIR;
 * `pkcs11`: a hardware security module, where keys are made and used and never leave.
 */
export interface KeyBackend {
  readonly name: 'file' | 'pkcs11';
  /** Makes a new key pair, private half kept by the backend. */
  generate(alg: SigningAlg): Promise<GeneratedKey>;
  /** A Signer for a stored key; throws naming the key when the backend cannot use it. */
  load(rec: { kid: string; file: string; alg: string }): Promise<Signer>;
  /** `ok`, or why signing cannot work right now (for /readyz); never throws. */
  health(): 'ok' | 'unavailable';
  close(): Promise<void>;
}

/** 503 with Retry-After (the error handler adds it) while the key backend cannot sign. */
export const signerUnavailable = (): AppError =>
  unavailable('signer_unavailable', 'the signing module (HSM) is not answering; try again shortly');
