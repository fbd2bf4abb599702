import type { Config } from '../config.js';
import { loadConfig } from '../config.js';
import { openStore, type Store } from '../store/store.js';
import { FileKeyStore } from '../keys/file-key-store.js';
import { DEV_PASSPHRASE_WARNING, resolvePassphrase } from '../keys/passphrase.js';
import { systemClock, type Clock } from '../clock.js';

export interface CliContext {
  config: Config;
  clock: Clock;
  /** Opens the store (migrated), runs `fn`, closes the store. */
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  keyStore(): FileKeyStore;
}

/** The CLI reads the same environment as the server (DATABASE_URL, DATA_DIR, KEYS_DIR, …). */
export function cliContext(env: Record<string, string | undefined> = process.env): CliContext {
  const config = loadConfig(env);
  return {
    config,
    clock: systemClock,
    async withStore(fn) {
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
      try {
        await store.migrate();
        return await fn(store);
      } finally {
        await store.close();
      }
    },
    keyStore() {
      const p = resolvePassphrase({ keysDir: config.keysDir, passphrase: config.keyPassphrase });
      if (p.generated) process.stderr.write(`warning: ${DEV_PASSPHRASE_WARNING}\n`);
      return new FileKeyStore(config.keysDir, p.value);
    },
  };
}
