/**
 * An issuance burst killed with SIGKILL: every credential answered 201 has its record in the
 * status slot it was told, and no status index was handed out twice. Credential inserts are
 * group-committed (src/store/group-commit.ts); a request is answered only after its batch
 * commits, and this is the test that proves it. (crash-durability.test.ts covers single writes.)
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { runDproof, spawnServer } from '../helpers/spawn-server.js';
import { openStore } from '../../src/store/store.js';

/** Last path segment of a status list URI: the list id the store keeps. */
const listIdOf = (uri: string) => new URL(uri).pathname.split('/').pop() as string;

for (const backend of storeTargets()) {
  it(`keeps every acknowledged credential, with its own status index, when killed with SIGKILL in the middle of an issuance burst (${backend})`, async () => {
    const target = await makeStoreTarget(backend);
    try {
      const { apiKey } = JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'burst', '--rate-limit', '0', '--json'], target.env)).stdout,
      ) as { apiKey: string };
      const acknowledged: { id: string; list: string; index: number }[] = [];
      let unanswered = 0;
      for (let round = 0; round < 2; round++) {
        const server = await spawnServer(target.env);
        const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as { id: string; example: object }[];
        const type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };
        let killed = false;
        let inFlight = 0;
        let inFlightAtKill = 0;
        const worker = async () => {
          while (!killed) {
            inFlight++;
            try {
              const r = await fetch(`${server.url}/v1/credentials`, {
                method: 'POST',
                headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
                body: JSON.stringify({ type: type.id, claims: type.example }),
              });
              const body = (await r.json()) as { id: string; status: { list: string; index: number } };
              if (r.status === 201) acknowledged.push({ id: body.id, list: listIdOf(body.status.list), index: body.status.index });
              else assert.fail(`issuance answered ${r.status} before the kill`);
            } catch (e) {
              if (!killed) throw e;
              unanswered++; // the connection died with the server: never acknowledged
            } finally {
              inFlight--;
            }
          }
        };
        const workers = Array.from({ length: 12 }, worker);
        // Kill at a random moment once the burst is well under way (group commits are batching).
        const start = acknowledged.length;
        const wanted = start + 30 + Math.floor(Math.random() * 40);
        while (acknowledged.length < wanted) await new Promise((r) => setTimeout(r, 5));
        inFlightAtKill = inFlight;
        killed = true;
        await server.kill9();
        await Promise.all(workers);
        assert.ok(inFlightAtKill > 0, 'requests were in flight at the kill');
      }

      // A restart comes up on the same store and keeps issuing.
      const server = await spawnServer(target.env);
      try {
        const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as { id: string; example: object }[];
        const type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };
        const r = await fetch(`${server.url}/v1/credentials`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: type.id, claims: type.example }),
        });
        assert.equal(r.status, 201);
        const body = (await r.json()) as { id: string; status: { list: string; index: number } };
        acknowledged.push({ id: body.id, list: listIdOf(body.status.list), index: body.status.index });
      } finally {
        await server.stop();
      }

      const store = openStore({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
      try {
        const rows = await store.db.selectFrom('credentials').select(['id', 'status_list', 'status_idx']).execute();
        const byId = new Map(rows.map((r) => [r.id, r]));
        // Every 2xx has its record, in the slot it was told.
        const missing = acknowledged.filter((a) => byId.get(a.id)?.status_list !== a.list || byId.get(a.id)?.status_idx !== a.index);
        assert.deepEqual(missing, []);
        // No status index handed out twice: not among the answers, not in the store.
        assert.equal(new Set(acknowledged.map((a) => `${a.list}/${a.index}`)).size, acknowledged.length);
        assert.equal(new Set(rows.map((r) => `${r.status_list}/${r.status_idx}`)).size, rows.length);
        // Records beyond the answers are writes that committed just before the kill (never answered).
        assert.ok(rows.length >= acknowledged.length);
        console.log(`# ${backend}: ${acknowledged.length} acknowledged, ${rows.length} records, ${unanswered} requests cut by the kills`);
      } finally {
        await store.close();
      }
    } finally {
      await target.cleanup();
    }
  });
}
