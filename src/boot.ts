import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openStore, type Store } from './store/store.js';
import { FileKeyStore } from './keys/file-key-store.js';
import { KeyRing } from './keys/key-ring.js';
import { DEV_PASSPHRASE_WARNING, resolvePassphrase } from './keys/passphrase.js';
import { ensureActiveKey } from './keys/manage-keys.js';
import { systemClock, type Clock } from './clock.js';

export interface Runtime {
  config: Config;
  store: Store;
  keyStore: FileKeyStore;
  keys: KeyRing;
  clock: Clock;
  close(): Promise<void>;
}

/**
 * Opens what the server needs, in order: store → migrations → key passphrase → first-run key →
 * key ring. Any failure (bad key file, wrong passphrase, unreachable database) throws with a
 * message naming the cause, and the server refuses to start.
 */
export async function openRuntime(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Runtime> {
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { applied } = await store.migrate();
    if (applied.length > 0) logger.info({ applied, store: store.dialect }, 'migrations applied');
    const passphrase = resolvePassphrase({ keysDir: config.keysDir, passphrase: config.keyPassphrase });
    if (passphrase.source === 'dev-file') logger.warn({ file: passphrase.file, generated: passphrase.generated }, DEV_PASSPHRASE_WARNING);
    const keyStore = new FileKeyStore(config.keysDir, passphrase.value);
    const made = await ensureActiveKey({ store, keyStore, clock, actor: 'server:first-run' }, config.keyAlg);
    if (made) logger.warn({ kid: made.kid, alg: made.alg, dir: config.keysDir }, 'first run: generated a signing key');
    const keys = new KeyRing(store, keyStore, logger);
    await keys.refresh();
    keys.startPolling(config.keyRefreshMs);
    return {
      config,
      store,
      keyStore,
      keys,
      clock,
      close: async () => {
        keys.stopPolling();
        await store.close();
      },
    };
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}
