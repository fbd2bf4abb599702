/**
 * The store's unit writer (batch-writer.ts on PostgreSQL, the writer thread on SQLite): a batch
 * of units in one transaction, where a unit whose guard fails takes no effect at all and its
 * neighbours take theirs — wherever it sits in the batch, and however many fail.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { openDatabase, type OpenedDatabase } from '../../src/store/open-database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { WriteUnit } from '../../src/store/batch-writer.js';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';

const NOW = 1_800_000_000_000;

for (const backend of storeTargets()) {
  describe(`the unit writer on ${backend}`, () => {
    let target: StoreTarget;
    let opened: OpenedDatabase;
    beforeAll(async () => {
      target = await makeStoreTarget(backend);
      opened = openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
      await migrateToLatest(opened.db as unknown as Kysely<unknown>, opened.dialect);
    });
    afterAll(async () => {
      await opened?.close();
      await target?.cleanup();
    });

    const insert = (hash: string) =>
      opened.db
        .insertInto('vci_nonces')
        .values({ nonce_hash: hash, created_at: NOW, expires_at: NOW + 60_000, consumed_at: NOW })
        .onConflict((oc) => oc.column('nonce_hash').doNothing())
        .compile();
    // A unit that records `hashes` only if none of them was recorded before.
    const unit = (...hashes: string[]): WriteUnit => hashes.map((h) => ({ query: insert(h), expect: 1 }));
    const stored = async (prefix: string) =>
      (await opened.db.selectFrom('vci_nonces').select('nonce_hash').where('nonce_hash', 'like', `${prefix}%`).execute())
        .map((r) => r.nonce_hash)
        .sort();

    it('undoes only the units whose guards fail, first, middle or last in the batch', async () => {
      await opened.writeUnits([unit('a-used')]);
      const results = await opened.writeUnits([
        unit('a-1', 'a-used'), // fails at its second step: a-1 must not stay
        unit('a-2'),
        unit('a-3', 'a-4'),
        unit('a-5', 'a-2'), // fails on the row its neighbour wrote in this batch
        unit('a-6', 'a-used'),
      ]);
      assert.deepEqual(results, [
        { ok: false, failedAt: 1 },
        { ok: true, changed: [1], rows: [[]] },
        { ok: true, changed: [1, 1], rows: [[], []] },
        { ok: false, failedAt: 1 },
        { ok: false, failedAt: 1 },
      ]);
      assert.deepEqual(await stored('a-'), ['a-2', 'a-3', 'a-4', 'a-used']);
    });

    it('commits nothing when every unit fails, and the next batch writes', async () => {
      await opened.writeUnits([unit('b-used')]);
      const results = await opened.writeUnits([unit('b-1', 'b-used'), unit('b-used'), unit('b-2', 'b-2')]);
      assert.deepEqual(results, [
        { ok: false, failedAt: 1 },
        { ok: false, failedAt: 0 },
        { ok: false, failedAt: 1 },
      ]);
      assert.deepEqual(await stored('b-'), ['b-used']);
      assert.deepEqual(await opened.writeUnits([unit('b-3')]), [{ ok: true, changed: [1], rows: [[]] }]);
      assert.deepEqual(await stored('b-'), ['b-3', 'b-used']);
    });
  });
}
