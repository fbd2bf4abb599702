/**
 * The store's unit writer (batch-writer.ts on PostgreSQL, the writer thread on SQLite): a batch
 * of units in one transaction, where a unit whose guard fails takes no effect at all and its
 * neighbours take theirs — wherever it sits in the batch, and however many fail. On PostgreSQL
 * the batch runs first without savepoints and, when a guard fails, once more with them: never
 * more than two passes, however many units fail. A unit marked independent (its steps read
 * nothing an earlier step wrote) runs there as one statement, with the same outcomes.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from '../../src/store/open-database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { independentSteps, kyselyUnitWriter, unitAsOneStatement, type WriteUnit } from '../../src/store/batch-writer.js';
import type { Database } from '../../src/store/schema.js';
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
    const independentUnit = (...hashes: string[]): WriteUnit => independentSteps(hashes.map((h) => ({ query: insert(h), expect: 1 })));
    const consume = (hash: string) =>
      opened.db
        .updateTable('vci_nonces')
        .set({ consumed_at: NOW + 1 })
        .where('nonce_hash', '=', hash)
        .compile();
    const stored = async (prefix: string) =>
      (await opened.db.selectFrom('vci_nonces').select('nonce_hash').where('nonce_hash', 'like', `${prefix}%`).execute())
        .map((r) => r.nonce_hash)
        .sort();

    for (const [kind, make, p] of [
      ['step by step', unit, 'a-'],
      ['independent', independentUnit, 'ai-'],
    ] as const)
      it(`undoes only the units whose guards fail, first, middle or last in the batch (${kind})`, async () => {
        await opened.writeUnits([make(`${p}used`)]);
        const results = await opened.writeUnits([
          make(`${p}1`, `${p}used`), // fails at its second step: ${p}1 must not stay
          make(`${p}2`),
          make(`${p}3`, `${p}4`),
          make(`${p}5`, `${p}2`), // fails on the row its neighbour wrote in this batch
          make(`${p}6`, `${p}used`),
          make(`${p}7`, `${p}7`), // fails on the row its own first step wrote
        ]);
        assert.deepEqual(results, [
          { ok: false, failedAt: 1 },
          { ok: true, changed: [1], rows: [[]] },
          { ok: true, changed: [1, 1], rows: [[], []] },
          { ok: false, failedAt: 1 },
          { ok: false, failedAt: 1 },
          { ok: false, failedAt: 1 },
        ]);
        assert.deepEqual(await stored(p), [`${p}2`, `${p}3`, `${p}4`, `${p}used`]);
        // Alone in its batch (no neighbour to share the transaction with), too.
        assert.deepEqual(await opened.writeUnits([make(`${p}8`, `${p}9`)]), [{ ok: true, changed: [1, 1], rows: [[], []] }]);
        assert.deepEqual(await opened.writeUnits([make(`${p}10`, `${p}8`)]), [{ ok: false, failedAt: 1 }]);
        assert.deepEqual(await stored(p), [`${p}2`, `${p}3`, `${p}4`, `${p}8`, `${p}9`, `${p}used`]);
      });

    it('runs a unit marked independent step by step when a step reads what an earlier one wrote', async () => {
      // As one statement the UPDATE would not see the row the INSERT before it adds (one snapshot).
      const marked = independentSteps([
        { query: insert('d-1'), expect: 1 },
        { query: consume('d-1'), expect: 1 },
      ]);
      assert.equal(unitAsOneStatement(marked), undefined);
      assert.deepEqual(await opened.writeUnits([marked]), [{ ok: true, changed: [1, 1], rows: [[], []] }]);
      const row = await opened.db.selectFrom('vci_nonces').select('consumed_at').where('nonce_hash', '=', 'd-1').executeTakeFirstOrThrow();
      assert.equal(Number(row.consumed_at), NOW + 1);
    });

    // PostgreSQL's unit writer only (SQLite's writer thread keeps a SAVEPOINT per guarded unit).
    if (backend === 'postgres')
      it('runs a batch at most twice however many of its units fail', async () => {
        // The same database through a Kysely that counts every statement the writer sends.
        let statements = 0;
        const counted = new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.databaseUrl, max: 1 }) }),
          log: () => void statements++,
        });
        try {
          await opened.writeUnits([unit('c-used')]);
          const passing = Array.from({ length: 30 }, (_, i) => unit(`c-ok-${i}`));
          const failing = Array.from({ length: 30 }, (_, i) => unit(`c-no-${i}`, 'c-used'));
          const steps = 30 + 60;
          const results = await kyselyUnitWriter(counted)([...passing, ...failing]);
          assert.deepEqual(
            results.map((r) => r.ok),
            [...Array<boolean>(30).fill(true), ...Array<boolean>(30).fill(false)],
          );
          assert.equal((await stored('c-ok-')).length, 30);
          assert.deepEqual(await stored('c-no-'), []);
          // One pass that stops at the first failure (31 units, 32 steps), then one with savepoints
          // (each guarded unit: SAVEPOINT and RELEASE, a failed one ROLLBACK TO as well), and
          // BEGIN/ROLLBACK, BEGIN/COMMIT. Running again after each failure would be ~1,000.
          assert.ok(statements <= 32 + steps + 2 * 60 + 30 + 4, `${statements} statements for ${steps} steps`);
        } finally {
          await counted.destroy();
        }
      });

    it('reports the guard that fails first when, run as one statement, a later step would break a constraint', async () => {
      await opened.writeUnits([unit('f-used')]);
      // Step by step the first guard fails and the second step never runs; as one statement the
      // second step's INSERT without ON CONFLICT breaks the primary key.
      const plain = opened.db
        .insertInto('vci_nonces')
        .values({ nonce_hash: 'f-used', created_at: NOW, expires_at: NOW + 60_000, consumed_at: NOW })
        .compile();
      const marked = independentSteps([{ query: insert('f-used'), expect: 1 }, { query: plain }]);
      const results = await opened.writeUnits([unit('f-1'), marked, unit('f-2')]);
      assert.deepEqual(results, [
        { ok: true, changed: [1], rows: [[]] },
        { ok: false, failedAt: 0 },
        { ok: true, changed: [1], rows: [[]] },
      ]);
      assert.deepEqual(await stored('f-'), ['f-1', 'f-2', 'f-used']);
    });

    if (backend === 'postgres')
      it('sends an independent unit as one statement, and a batch of them as one each', async () => {
        let statements = 0;
        const counted = new Kysely<Database>({
          dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.databaseUrl, max: 1 }) }),
          log: () => void statements++,
        });
        try {
          const results = await kyselyUnitWriter(counted)([independentUnit('e-1', 'e-2', 'e-3'), independentUnit('e-4', 'e-5')]);
          assert.deepEqual(
            results.map((r) => r.ok && r.changed),
            [
              [1, 1, 1],
              [1, 1],
            ],
          );
          assert.equal(statements, 4, 'BEGIN, one statement per unit, COMMIT');
          assert.deepEqual(await stored('e-'), ['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
        } finally {
          await counted.destroy();
        }
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
