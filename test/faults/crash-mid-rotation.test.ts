import { it } from 'vitest';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { COMPILED, ROOT, runDproof } from '../helpers/spawn-server.js';
import { openStore } from '../../src/store/store.js';
import { FileKeyStore } from '../../src/keys/file-key-store.js';

// The child: rotates keys as fast as it can until killed, on the compiled sources (no tsx per spawn).
const compiled = (path: string) => JSON.stringify(pathToFileURL(join(COMPILED, path)).href);
const ROTATE_FOREVER = `
import { cliContext } from ${compiled('cli/context.js')};
import { rotateKey } from ${compiled('keys/manage-keys.js')};
const ctx = cliContext(process.env);
const keyStore = ctx.keyStore();
await ctx.withStore(async (store) => {
  for (;;) {
    // No handover between rotations: this is about a kill at any moment, not about the nodes.
    await rotateKey({ store, keyStore, clock: ctx.clock, actor: 'test' }, 'ES256', { handoverMs: 0 });
    process.stdout.write('rotated\\n');
  }
});`;

for (const backend of storeTargets()) {
  it(`leaves exactly one active key per algorithm when killed mid-rotation (${backend})`, async () => {
    const target = await makeStoreTarget(backend);
    try {
      assert.equal((await runDproof(['keys', 'generate'], target.env)).code, 0);
      for (let round = 0; round < 6; round++) {
        const child = spawn(process.execPath, ['--input-type=module', '--eval', ROTATE_FOREVER], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', ...target.env },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        // Wait for one to three finished rotations, then kill at a random moment of the next.
        const wanted = 1 + Math.floor(Math.random() * 3);
        await new Promise<void>((resolve, reject) => {
          let seen = 0;
          child.stdout.on('data', (d: Buffer) => {
            seen += (d.toString().match(/rotated/g) ?? []).length;
            if (seen >= wanted) resolve();
          });
          // A child that stops by itself (a failing rotation) fails the test at once, not at its timeout.
          child.once('exit', (code) => reject(new Error(`the rotating child exited by itself (code ${code}) after ${seen} rotations`)));
        });
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
      const store = openStore({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
      try {
        const keys = await store.keys.list();
        assert.ok(keys.length >= 7, `rotations happened (${keys.length} keys)`);
        const active = keys.filter((k) => k.alg === 'ES256' && k.state === 'active');
        assert.equal(active.length, 1);
        // The active key's file is whole and decrypts: the file is written before its row commits.
        const ks = new FileKeyStore(target.keysDir, target.env.DPROOF_KEY_PASSPHRASE as string);
        for (const k of keys.filter((x) => x.state !== 'retired')) await ks.load(k);
      } finally {
        await store.close();
      }
    } finally {
      await target.cleanup();
    }
  });
}
