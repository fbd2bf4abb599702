import { it } from 'vitest';
import assert from 'node:assert/strict';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';

for (const backend of storeTargets()) {
  it(`loses nothing acknowledged when the server is killed with SIGKILL right after a 2xx (${backend})`, async () => {
    const target = await makeStoreTarget(backend);
    try {
      const admin = JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'admin', '--name', 'ops', '--rate-limit', '0', '--json'], target.env)).stdout,
      ) as { apiKey: string };
      const acknowledged: string[] = [];
      for (let round = 0; round < 3; round++) {
        const server = await spawnServer(target.env);
        for (let i = 0; i < 5; i++) {
          const r = await fetch(`${server.url}/v1/admin/clients`, {
            method: 'POST',
            headers: { authorization: `Bearer ${admin.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `agency ${round}-${i}`, role: 'issuer' }),
          });
          assert.equal(r.status, 201);
          acknowledged.push(((await r.json()) as { id: string }).id);
        }
        await server.kill9(); // no graceful shutdown: straight after the last acknowledgement
      }
      const list = JSON.parse((await runDproof(['clients', 'list', '--json'], target.env)).stdout) as { id: string }[];
      const ids = new Set(list.map((c) => c.id));
      assert.deepEqual(
        acknowledged.filter((id) => !ids.has(id)),
        [],
      );
    } finally {
      await target.cleanup();
    }
  });
}
