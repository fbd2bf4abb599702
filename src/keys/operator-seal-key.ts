/**
 * A key that seals private keys kept in the store (seal-private-key.ts): HKDF-SHA256 over the
 * operator secret every node already shares — the key passphrase (`DPROOF_KEY_PASSPHRASE`, or the
 * development passphrase file in KEYS_DIR) with the file backend, the token PIN with PKCS#11 —
 * under a label of its own per use, so it is never the key that encrypts signing-key files and
 * one use's key never opens another's. Any node can open a key another node made; a copy of the
 * database alone opens nothing.
 */
import { hkdfSync } from 'node:crypto';
import type { Config } from '../config.js';
import { resolvePassphrase } from './passphrase.js';

/** What the operator secret is read from. */
export type OperatorSecretConfig = Pick<Config, 'keyBackend' | 'pkcs11' | 'keysDir' | 'keyPassphrase'>;

const cache = new WeakMap<OperatorSecretConfig, Map<string, Buffer>>();

function operatorSecret(config: OperatorSecretConfig): string {
  if (config.keyBackend === 'pkcs11' && config.pkcs11) return config.pkcs11.pin;
  return resolvePassphrase({ keysDir: config.keysDir, passphrase: config.keyPassphrase }).value;
}

export function operatorSealKey(config: OperatorSecretConfig, label: string): Buffer {
  let byLabel = cache.get(config);
  if (!byLabel) cache.set(config, (byLabel = new Map()));
  let key = byLabel.get(label);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', operatorSecret(config), 'digital-proof', label, 32));
    byLabel.set(label, key);
  }
  return key;
}
