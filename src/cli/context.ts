import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../store/store.js';
import type { KeyBackend } from '../keys/key-backend.js';
import { openKeyBackend } from '../keys/open-key-backend.js';
import { DEV_PASSPHRASE_WARNING } from '../keys/passphrase.js';
import { systemClock, type Clock } from '../clock.js';
import type { CliStream } from './io.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SQLITE_FILE } from '../store/open-database.js';
import { AppError } from '../errors.js';

/** The CLI reports key backend trouble through its errors, not through log lines. */
const quiet = { info: () => undefined, warn: () => undefined };

export interface CliContext {
  config: Config;
  clock: Clock;
  /**
   * Opens the store (migrated), runs `fn`, closes the store. On the embedded store, a command that
   * only reads or changes what is there (`creates` unset) refuses when DATA_DIR holds no store,
   * rather than making an empty one where a mistyped DATA_DIR points; one that makes the first
   * key or client may make the store, and says so on stderr.
   */
  withStore<T>(fn: (store: Store) => Promise<T>, opts?: { creates?: boolean }): Promise<T>;
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
    async withStore(fn, opts) {
      checkEmbeddedStore(config, Boolean(opts?.creates), stderr);
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

/**
 * The embedded store's file under DATA_DIR: refused when missing (`store_missing`) unless the
 * command makes things, which then makes the store and says where (a typo in DATA_DIR shows).
 */
export function checkEmbeddedStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>, creates: boolean, stderr: CliStream): void {
  if (config.databaseUrl) return;
  const file = join(config.dataDir, SQLITE_FILE);
  if (existsSync(file)) return;
  if (!creates)
    throw new AppError(
      'store_missing',
      `no store at ${file}: check DATA_DIR, or make the store with "dproof db migrate" (or a first "npm start")`,
    );
  stderr.write(`note: no store at ${file}; making a new one (DATA_DIR=${config.dataDir})\n`);
}
