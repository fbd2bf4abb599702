import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../store/store.js';
import type { KeyBackend } from '../keys/key-backend.js';
import { openKeyBackend } from '../keys/open-key-backend.js';
import { DEV_PASSPHRASE_WARNING } from '../keys/passphrase.js';
import { systemClock, type Clock } from '../clock.js';
import type { CliStream } from './io.js';

/** The CLI reports key backend trouble through its errors, not through log lines. */
const quiet = { info: () => undefined, warn: () => undefined };

export interface CliContext {
  config: Config;
  clock: Clock;
  /** Opens the store (migrated), runs `fn`, closes the store. */
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** The key backend KEY_BACKEND names (opened once, closed with the process). */
  keyStore(): KeyBackend;
}

/** The CLI reads the same environment as the server (DATABASE_URL, DATA_DIR, KEYS_DIR, …). */
export function cliContext(env: Record<string, string | undefined> = process.env, stderr: CliStream = process.stderr): CliContext {
  const config = loadConfig(env);
  let backend: KeyBackend | undefined;
  return {
    config,
    clock: systemClock,
    async withStore(fn) {
      const store = openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        poolSize: 2,
        lockTimeoutMs: config.storeLockTimeoutMs,
      });
      try {
        await store.migrate();
        return await fn(store);
      } finally {
        await store.close();
      }
    },
    keyStore() {
      backend ??= openKeyBackend(config, quiet, systemClock, (p) => {
        if (p.generated) stderr.write(`warning: ${DEV_PASSPHRASE_WARNING}\n`);
      });
      return backend;
    },
  };
}
