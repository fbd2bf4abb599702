import { it } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';

const kids = async (url: string) => ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();

for (const backend of storeTargets()) {
  it(`a running server publishes a CLI rotation within 5 s and keeps the old key (${backend})`, async () => {
    const target = await makeStoreTarget(backend);
    const server = await spawnServer(target.env);
    try {
      const before = await kids(server.url);
      assert.equal(before.length, 1);
      const rotated = JSON.parse((await runDproof(['keys', 'rotate', '--json'], target.env)).stdout) as { active: { kid: string }; retiring: string };
      assert.equal(rotated.retiring, before[0]);
      const started = Date.now();
      while (!(await kids(server.url)).includes(rotated.active.kid)) {
        assert.ok(Date.now() - started < 5000, 'rotation not picked up within 5 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(await kids(server.url), [before[0], rotated.active.kid].sort());
      const meta = (await (await fetch(`${server.url}/.well-known/jwt-vc-issuer`)).json()) as { issuer: string; jwks_uri: string };
      assert.equal(meta.jwks_uri, `${meta.issuer}/.well-known/jwks.json`);
    } finally {
      assert.equal(await server.stop(), 0, 'SIGTERM stops the server cleanly');
      if (backend === 'sqlite') assert.ok(!existsSync(join(target.dataDir, 'server.pid')), 'pid file removed on shutdown');
      await target.cleanup();
    }
  });
}
