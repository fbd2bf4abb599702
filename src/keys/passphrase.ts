import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from './atomic-write.js';

export const DEV_PASSPHRASE_FILE = '.passphrase';

export interface Passphrase {
  value: string;
  /** `env`: DPROOF_KEY_PASSPHRASE; `dev-file`: the development file in KEYS_DIR. */
  source: 'env' | 'dev-file';
  /** True when the development file was created just now. */
  generated: boolean;
  file?: string;
}

export const DEV_PASSPHRASE_WARNING =
  'DEVELOPMENT KEY PASSPHRASE: signing keys are encrypted with a passphrase stored beside them in KEYS_DIR/.passphrase. Set DPROOF_KEY_PASSPHRASE for any real deployment.';

/**
 * The passphrase that encrypts private keys at rest. Production passes DPROOF_KEY_PASSPHRASE
 * (config refuses to start without it); development generates one once into a 0600 file next
 * to the keys, and callers warn loudly, since anyone who can read that folder can use the keys.
 */
export function resolvePassphrase(opts: { keysDir: string; passphrase: string | undefined }): Passphrase {
  if (opts.passphrase) return { value: opts.passphrase, source: 'env', generated: false };
  mkdirSync(opts.keysDir, { recursive: true, mode: 0o700 });
  const file = join(opts.keysDir, DEV_PASSPHRASE_FILE);
  let generated = false;
  if (!existsSync(file)) {
    writeFileAtomic(file, `${randomBytes(32).toString('base64url')}\n`);
    generated = true;
  }
  const value = readFileSync(file, 'utf8').trim();
  if (value.length < 12) throw new Error(`${file}: development passphrase file is empty or truncated; restore it (the keys cannot be decrypted without it)`);
  return { value, source: 'dev-file', generated, file };
}
