/**
 * On PostgreSQL the hot path's fixed statements (prepared-query.ts) go as named prepared
 * statements, which the backend parses and plans once per connection (open-database.ts). Only
 * those: a statement built per call stays unnamed, so a connection never piles them up. And a
 * kept `SELECT *` plan whose table gained a column (a newer node's migration) does not break the
 * read: PostgreSQL refuses the old plan (0A000), the text goes unnamed and the read runs again;
 * inside a transaction the refusal is a store outage (503) whose retry succeeds. A statement the
 * session lost (26000) goes unnamed the same way.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openStore, type Store } from '../../src/store/store.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { makeStoreTarget, pgAvailable, type StoreTarget } from '../helpers/stores.js';
import { offerRow } from '../helpers/offer-row.js';
import { preparedQuery } from '../../src/store/prepared-query.js';
import { isStoreUnavailable } from '../../src/store/classify-store-error.js';

const skip = pgAvailable() ? false : 'TEST_DATABASE_URL is not set (.ci/run sets it): named statements are PostgreSQL only';
const NOW = 1_800_000_000_000;

describe.skipIf(skip)('named statements on PostgreSQL', () => {
  let target: StoreTarget;
  let store: Store;
  // One connection, so pg_prepared_statements (per session) shows what the store's reads left there.
  beforeAll(async () => {
    target = await makeStoreTarget('postgres');
    store = openStore({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 1 });
    await migrateToLatest(store.db as unknown as Kysely<unknown>, store.dialect);
    await store.vci.insertOffer(offerRow('o1', NOW, NOW + 600_000));
  });
  afterAll(async () => {
    await store?.close();
    await target?.cleanup();
  });

  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(store.db)).rows;

  it('names the hot path statements and nothing built per call', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await store.vci.offerHeadByRefHash('ref-o1'))?.id, 'o1');
    assert.equal((await store.vci.offerByCodeHash('code-o1'))?.id, 'o1');
    // Kysely-built statements with a different text each time: never named.
    for (let n = 1; n <= 4; n++) {
      const ids = Array.from({ length: n }, (_, i) => `o${i + 1}`);
      assert.equal((await store.db.selectFrom('vci_offers').select('id').where('id', 'in', ids).execute()).length, 1);
    }
    const rows = await prepared();
    const byRef = rows.filter((r) => r.statement.includes('"ref_hash" = $1'));
    assert.equal(byRef.length, 1, JSON.stringify(rows));
    assert.match(byRef[0]!.name, /^dproof_\d+$/);
    assert.ok(rows.some((r) => r.statement.includes('"code_hash" = $1')));
    assert.ok(
      rows.every((r) => r.name.startsWith('dproof_') && !r.statement.includes(' in (')),
      JSON.stringify(rows),
    );
    // The insert that made the offer went through the unit writer: named as well.
    assert.ok(rows.some((r) => r.statement.startsWith('insert into "vci_offers"')));
  });

  it("names a group commit's multi-row INSERT for batches up to 16 rows, and leaves larger ones unnamed", async () => {
    // Values submitted in one tick share one batch: one of 3 rows, then one of 40.
    const consume = (n: number, prefix: string) =>
      Promise.all(Array.from({ length: n }, (_, i) => store.nonces.consume(`${prefix}-${i}`, 'test', NOW + 60_000)));
    assert.ok((await consume(3, 'small')).every(Boolean));
    assert.ok((await consume(40, 'large')).every(Boolean));
    const rowsOf = (statement: string) => (statement.match(/\), \(/g) ?? []).length + 1;
    const inserts = (await prepared())
      .filter((r) => r.statement.startsWith('insert into "consumed_nonces"'))
      .map((r) => rowsOf(r.statement));
    assert.deepEqual(inserts, [3]);
  });

  it('reads on when a migration adds a column under a kept SELECT * plan', async () => {
    assert.equal((await store.vci.offer('o1'))?.id, 'o1');
    await sql`alter table vci_offers add column extra_for_test integer`.execute(store.db);
    const after = (await store.vci.offer('o1')) as unknown as Record<string, unknown> | undefined;
    assert.equal(after?.id, 'o1');
    assert.equal(after?.extra_for_test, null, 'the read is planned anew and sees the new column');
    assert.equal((await store.vci.offer('o1'))?.id, 'o1');
    assert.equal(await store.vci.offer('none'), undefined);
  });

  // A statement of its own (no other test here names it), run through the same path as the repositories'.
  const ownStatement = (column: 'client_id' | 'type') =>
    preparedQuery(['v'], ({ v }: { v: string }) => store.db.selectFrom('vci_offers').selectAll().where(column, '=', v));
  const nameOf = async (fragment: string) => (await prepared()).find((r) => r.statement.includes(fragment))?.name;

  it('fails a transaction whose kept plan changed as a store outage (503), and the next try reads', async () => {
    const byClient = ownStatement('client_id');
    assert.equal((await store.db.executeQuery(byClient({ v: 'c1' }))).rows.length, 1);
    assert.ok(await nameOf('"client_id" = $1'), 'named and kept on the connection');
    await sql`alter table vci_offers add column another_for_test integer`.execute(store.db);
    const inTransaction = store.db.transaction().execute((tx) => tx.executeQuery(byClient({ v: 'c1' })));
    const err = (await inTransaction.then(
      () => assert.fail('a kept plan of the old table answered inside a transaction'),
      (e: unknown) => e,
    )) as { code?: string };
    assert.equal(err.code, '0A000');
    assert.equal(isStoreUnavailable(err), true, 'answered 503 with Retry-After, not 500');
    // The text is unnamed from now on, in and out of transactions.
    assert.equal((await store.db.transaction().execute((tx) => tx.executeQuery(byClient({ v: 'c1' })))).rows.length, 1);
    assert.equal((await store.db.executeQuery(byClient({ v: 'c1' }))).rows.length, 1);
  });

  it('sends a statement unnamed when the session lost it (a pooler in transaction mode, a closed statement)', async () => {
    const byType = ownStatement('type');
    assert.equal((await store.db.executeQuery(byType({ v: 'resident-id' }))).rows.length, 1);
    const name = await nameOf('"type" = $1');
    assert.ok(name);
    // Behind pg's back: pg still counts it as parsed and sends only Bind, which the server refuses (26000).
    await sql.raw(`deallocate ${name}`).execute(store.db);
    assert.equal((await store.db.executeQuery(byType({ v: 'resident-id' }))).rows.length, 1);
    assert.equal(await nameOf('"type" = $1'), undefined, 'not prepared again under its name');
    assert.equal((await store.db.executeQuery(byType({ v: 'resident-id' }))).rows.length, 1);
  });
});
