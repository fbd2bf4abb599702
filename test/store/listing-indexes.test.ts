/**
 * `GET /v1/credentials` pages through the registry newest first with a keyset cursor. Every page
 * is a range of one index (migrations 0022 and 0023, both stores): no pass over the whole table and no sort
 * of it, with or without the client filter, on the first page and after a cursor. And the pages
 * still hold every row exactly once, in order, across ties on issued_at. `GET /v1/deferred`'s list
 * of a client's deferred transactions likewise.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Insertable } from 'kysely';
import { storeTargets } from '../helpers/stores.js';
import { useMigrationTarget } from '../helpers/migration-target.js';
import { queryPlan } from '../helpers/query-plan.js';
import type { CredentialsTable } from '../../src/store/schema.js';
import type { ListCredentialsQuery } from '../../src/store/repositories/credentials-repo.js';

const LATEST = '0023-deferred-listing-index';
const T = 1_800_000_000_000;

const row = (id: string, clientId: string, issuedAt: number, idx: number): Insertable<CredentialsTable> => ({
  id,
  type: idx % 2 === 0 ? 'resident-id' : 'tax-payment',
  format: 'dc+sd-jwt',
  status_list: 'list-1',
  status_idx: idx,
  status: 0,
  kid: 'k1',
  holder_jkt: null,
  client_id: clientId,
  issued_at: issuedAt,
  expires_at: issuedAt + 86_400_000,
  credential_hash: `h-${id}`,
  status_changed_at: null,
  notification_id: null,
});

for (const backend of storeTargets()) {
  describe(`the credential registry's listing on ${backend}`, () => {
    const target = useMigrationTarget(backend);

    it('reads each page as a range of an index: no table scan, no sort of the whole registry', async () => {
      const m = target();
      await m.migrateTo(LATEST);
      const before = { issuedAt: T, id: 'c-5' };
      const queries: ListCredentialsQuery[] = [
        { limit: 50 },
        { limit: 50, before },
        { limit: 50, clientId: 'issuer-a' },
        { limit: 50, clientId: 'issuer-a', before },
      ];
      for (const q of queries) {
        const text = await queryPlan(backend, m.db, m.store.credentials.listQuery(q), { orderFromIndex: true });
        if (backend === 'sqlite') {
          // A SCAN without an index is a pass over the whole table; a TEMP B-TREE FOR ORDER BY, a sort of what it read.
          assert.doesNotMatch(text, /"detail":"SCAN credentials"/, `${JSON.stringify(q)}: ${text}`);
          assert.doesNotMatch(text, /TEMP B-TREE/, `${JSON.stringify(q)}: ${text}`);
        } else {
          assert.doesNotMatch(text, /Seq Scan|Sort/, `${JSON.stringify(q)}: ${text}`);
        }
        assert.match(text, q.clientId ? /credentials_client_issued_id/ : /credentials_issued/, `${JSON.stringify(q)}: ${text}`);
        // After a cursor the index is entered at the cursor, not walked from the newest row.
        if (q.before)
          assert.match(text, backend === 'sqlite' ? /\(issued_at,id\)<\(\?,\?\)/ : /Index Cond: .*ROW\(issued_at, \(id\)::text\) </, text);
      }
    });

    it("reads a client's deferred transactions, newest first, as a range of an index", async () => {
      const m = target();
      await m.migrateTo(LATEST);
      const text = await queryPlan(backend, m.db, m.store.vciIssuance.listDeferredQuery('issuer-a', 50), { orderFromIndex: true });
      if (backend === 'sqlite') assert.doesNotMatch(text, /"detail":"SCAN vci_deferred"|TEMP B-TREE/, text);
      else assert.doesNotMatch(text, /Seq Scan|Sort/, text);
      assert.match(text, /vci_deferred_client_created/, text);
    });

    it('pages hold every row once, newest first, ties on issued_at by id, per client and for all', async () => {
      const m = target();
      await m.migrateTo(LATEST);
      const { store } = m;
      await store.db
        .insertInto('status_lists')
        .values({ id: 'list-1', bits: 1, size: 1024, state: 'open', version: 1, created_at: T })
        .execute();
      // Three rows share each issued_at, so a page boundary falls inside a tie.
      const rows = Array.from({ length: 24 }, (_, i) =>
        row(`c-${String(i).padStart(2, '0')}`, i % 3 === 0 ? 'issuer-b' : 'issuer-a', T + Math.floor(i / 3), i),
      );
      await store.db.insertInto('credentials').values(rows).execute();
      const expected = (clientId?: string) =>
        rows
          .filter((r) => !clientId || r.client_id === clientId)
          .sort((a, b) => b.issued_at - a.issued_at || (a.id < b.id ? 1 : -1))
          .map((r) => r.id);

      for (const clientId of [undefined, 'issuer-a', 'issuer-b']) {
        const seen: string[] = [];
        let before: ListCredentialsQuery['before'];
        for (;;) {
          const page = await store.credentials.list({ limit: 5, ...(clientId && { clientId }), ...(before && { before }) });
          seen.push(...page.map((r) => r.id));
          const last = page.at(-1);
          if (page.length < 5 || !last) break;
          before = { issuedAt: Number(last.issued_at), id: last.id };
        }
        assert.deepEqual(seen, expected(clientId), `client ${clientId ?? '(all)'}`);
      }
    });

    it('migrations 0022 and 0023 go down to the client indexes they replaced and up again', async () => {
      const m = target();
      await m.migrateTo('0021-purge-indexes');
      // What the plan tests above would have caught: before 0022 an admin's page sorted the whole
      // registry, before 0023 a client's deferred list all of its transactions.
      const all = await queryPlan(backend, m.db, m.store.credentials.listQuery({ limit: 5 }), { orderFromIndex: true });
      assert.match(all, backend === 'sqlite' ? /"detail":"SCAN credentials".*TEMP B-TREE FOR ORDER BY/ : /Sort/, all);
      const plan = await queryPlan(backend, m.db, m.store.credentials.listQuery({ limit: 5, clientId: 'issuer-a' }));
      assert.match(plan, /credentials_client_issued\b(?!_id)/, plan);
      const deferred = await queryPlan(backend, m.db, m.store.vciIssuance.listDeferredQuery('issuer-a', 5), { orderFromIndex: true });
      assert.match(deferred, backend === 'sqlite' ? /TEMP B-TREE FOR ORDER BY/ : /Sort/, deferred);
      assert.deepEqual(await m.migrateTo(LATEST), ['0022-credential-listing-indexes', LATEST]);
      assert.equal((await m.store.credentials.list({ limit: 50 })).length, 24);
    });
  });
}
