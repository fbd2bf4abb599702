/**
 * A command that makes keys must run with the servers' key folder and passphrase (or token): a key
 * made elsewhere would become active in the shared store and no server could sign with it
 * (manage-keys.ts assertOpensServersKeys). The CLI's side is in test/cli/cli.test.ts.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/store.js';
import { openKeyBackend } from '../../src/keys/open-key-backend.js';
import { assertOpensServersKeys, generateKey } from '../../src/keys/manage-keys.js';
import { systemClock } from '../../src/clock.js';
import { makeStoreTarget } from '../helpers/stores.js';

const quiet = { info: () => undefined, warn: () => undefined };

it('refuses with key_store_mismatch where the folder or passphrase opens none of the keys in use, and passes with the right ones or force', async () => {
  const target = await makeStoreTarget('sqlite');
  const store = openStore({ dataDir: target.dataDir, databaseUrl: undefined });
  try {
    await store.migrate();
    const backendFor = (env: Record<string, string>) => openKeyBackend(loadConfig({ ...target.env, ...env }), quiet, systemClock, () => undefined);
    const servers = backendFor({});
    // A first run has nothing to open: it passes, and makes the key the servers will use.
    await assertOpensServersKeys({ store, keyStore: servers });
    await generateKey({ store, keyStore: servers, clock: systemClock, actor: 'test' }, 'ES256');
    await assertOpensServersKeys({ store, keyStore: servers });
    for (const env of [
      { KEYS_DIR: join(target.keysDir, '..', 'typo-keys') },
      { DPROOF_KEY_PASSPHRASE: 'another passphrase, long enough to be taken' },
    ] as Record<string, string>[]) {
      const wrong = backendFor(env);
      await assert.rejects(assertOpensServersKeys({ store, keyStore: wrong }), (e: { code?: string }) => e.code === 'key_store_mismatch');
      await assertOpensServersKeys({ store, keyStore: wrong }, true);
      await wrong.close();
    }
    await servers.close();
  } finally {
    await store.close();
    await target.cleanup();
  }
});
