/**
 * The key that seals the private halves of response encryption keys at rest: HKDF-SHA256 over
 * the operator secret every node already shares — the key passphrase (`DPROOF_KEY_PASSPHRASE`,
 * or the development passphrase file in KEYS_DIR) with the file backend, the token PIN with
 * PKCS#11 — under its own label, so it is never the key that encrypts signing-key files. Any
 * node can open a key another node made; a copy of the database alone opens nothing.
 */
import { hkdfSync } from 'node:crypto';
import type { Config } from '../../config.js';
import { resolvePassphrase } from '../../keys/passphrase.js';

const INFO = 'dproof openid4vp response-encryption key seal v1';
const cache = new WeakMap<Config, Buffer>();

function operatorSecret(config: Config): string {
  if (config.keyBackend === 'pkcs11' && config.pkcs11) return config.pkcs11.pin;
  return resolvePassphrase({ keysDir: config.keysDir, passphrase: config.keyPassphrase }).value;
}

export function responseKeySealKey(config: Config): Buffer {
  let key = cache.get(config);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', operatorSecret(config), 'digital-proof', INFO, 32));
    cache.set(config, key);
  }
  return key;
}
