/** `wallet init`: a new wallet file with one P-256 key; never overwrites an existing wallet. */
import { existsSync } from 'node:fs';
import { conflict } from '../errors.js';
import { createWalletKey } from './create-wallet-key.js';
import { writeWallet, type Wallet } from './wallet-file.js';

export async function createWallet(path: string, now: Date): Promise<Wallet> {
  if (existsSync(path)) throw conflict('wallet_exists', `${path} already exists; keep it or choose another --file`);
  const wallet: Wallet = { version: 1, created_at: now.toISOString(), keys: [await createWalletKey(now)], credentials: [] };
  writeWallet(path, wallet);
  return wallet;
}
