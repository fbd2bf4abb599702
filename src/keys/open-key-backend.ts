import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { KeyBackend } from './key-backend.js';
import { FileKeyStore } from './file-key-store.js';
import { resolvePassphrase, type Passphrase } from './passphrase.js';
import { Pkcs11KeyStore } from './pkcs11/pkcs11-key-store.js';
import type { Clock } from '../clock.js';

/**
 * The key backend KEY_BACKEND names, for the server and the CLI alike. `onDevPassphrase` is told
 * when the file backend runs on a development passphrase (callers warn about it their own way).
 * `clock` times the PKCS#11 backend's probe cache and reconnect pauses.
 */
export function openKeyBackend(
  config: Config,
  logger: Pick<Logger, 'info' | 'warn'>,
  clock: Clock,
  onDevPassphrase: (p: Passphrase) => void,
): KeyBackend {
  if (config.keyBackend === 'pkcs11' && config.pkcs11) return Pkcs11KeyStore.open(config.pkcs11, config.keyAlg, logger, clock);
  const passphrase = resolvePassphrase({ keysDir: config.keysDir, passphrase: config.keyPassphrase });
  if (passphrase.source === 'dev-file') onDevPassphrase(passphrase);
  return new FileKeyStore(config.keysDir, passphrase.value);
}
