/**
 * The reference wallet's file: its private keys (P-256, JWK) and received credentials, in one
 * JSON file with mode 0600, always rewritten atomically (a crash leaves the old or the new file).
 * The file is the device's secure storage in this reference wallet; keys never leave it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { JWK } from 'jose';
import { writeFileAtomic } from '../keys/atomic-write.js';
import { badRequest } from '../errors.js';

export interface WalletKey {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  /** Private JWK (EC P-256). */
  jwk: JWK;
  created_at: string;
}

export interface StoredCredential {
  id: string;
  credential_issuer: string;
  credential_configuration_id: string;
  format: string;
  /** SD-JWT VC `vct` or the VC types, for listing. */
  kind: string;
  /** Thumbprint of the key this credential is bound to; null when not key-bound. */
  key: string | null;
  credential: string;
  received_at: string;
  expires_at: string | null;
}

export interface Wallet {
  version: 1;
  created_at: string;
  keys: WalletKey[];
  credentials: StoredCredential[];
}

export function readWallet(path: string): Wallet {
  if (!existsSync(path)) throw badRequest('wallet_not_found', `no wallet at ${path}; run dproof wallet init`);
  // Others must not read the keys: refuse a wallet file readable by group or others.
  if ((statSync(path).mode & 0o077) !== 0) throw badRequest('wallet_insecure', `${path} is readable by others; chmod 600 it`);
  let w: Wallet;
  try {
    w = JSON.parse(readFileSync(path, 'utf8')) as Wallet;
  } catch {
    throw badRequest('wallet_corrupt', `${path} is not a wallet file`);
  }
  if (w?.version !== 1 || !Array.isArray(w.keys) || !Array.isArray(w.credentials))
    throw badRequest('wallet_corrupt', `${path} is not a wallet file`);
  return w;
}

export function writeWallet(path: string, wallet: Wallet): void {
  writeFileAtomic(path, `${JSON.stringify(wallet, null, 2)}\n`, 0o600);
}
