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
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from '../../src/store/open-database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { independentSteps, kyselyUnitWriter, unitAsOneStatement, type WriteUnit } from '../../src/store/batch-writer.js';
import type { Database } from '../../src/store/schema.js';
import { namedStatements, preparedQuery } from '../../src/store/prepared-query.js';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';

const NOW = 1_800_000_000_000;

describe('a unit as one statement (PostgreSQL)', () => {
  const step = (sql: string, ...parameters: unknown[]) => ({ query: CompiledQuery.raw(sql, parameters), expect: 1 });
  it("renumbers each step's parameters, counts every step and adds RETURNING only where a step has none", () => {
    const q = unitAsOneStatement(
      independentSteps([
        step('insert into "a" ("x", "y") values ($1, $2) on conflict ("x") do nothing', 1, 2),
        step('update "b" set "z" = $1 where "id" = $2 returning "id"', 3, 4),
        step('select "id" from "c" where "id" = $1', 5),
      ]),
    );
    assert.equal(
      q?.sql,
      'with s0 as (insert into "a" ("x", "y") values ($1, $2) on conflict ("x") do nothing returning 1), ' +
        's1 as (update "b" set "z" = $3 where "id" = $4 returning "id"), s2 as (select "id" from "c" where "id" = $5) ' +
        'select (select count(*) from s0)::int as c0, (select count(*) from s1)::int as c1, (select count(*) from s2)::int as c2',
    );
    assert.deepEqual(q?.parameters, [1, 2, 3, 4, 5]);
    // A column named "returning" is a name, not a RETURNING clause.
    assert.match(
      unitAsOneStatement(independentSteps([step('select 1'), step('insert into "a" ("returning") values ($1)', 1)]))!.sql,
      /returning 1\)/,
    );
  });

  it('leaves a unit step by step when its text could defeat the combiner, or a step reads what an earlier one wrote', () => {
    const first = step('insert into "a" ("x") values ($1)', 1);
    for (const text of [
      'insert into "b" ("x") values (\'$1\')', // a string literal
      'insert into "b" ("x") values ($1); delete from "c"',
      'insert into "b" ("x") values ($1) -- note',
      'insert into "b" ("x") values ($1) /* note */',
      'insert into "b" ("x") values ($$x$1$$)', // dollar quoting
      'with t as (select 1) insert into "b" ("x") select * from t',
      'update "b" set "x" = (select count(*) from "a")', // reads "a", which the first step wrote
      'update "b" set "x" = (select count(*) from a)', // the same, unquoted
      'delete from "public"."a" where "x" = $1', // writes it again, qualified
      'update  "a" set "x" = 2', // two spaces
    ])
      assert.equal(unitAsOneStatement(independentSteps([first, step(text, 1)])), undefined, text);
    // A table written under a qualified name, then read.
    assert.equal(
      unitAsOneStatement(independentSteps([step('insert into "public"."a" ("x") values ($1)', 1), step('select "x" from "a"')])),
      undefined,
    );
    // A plain INSERT into a table an earlier step wrote reads nothing: it stays one statement.
    assert.notEqual(
      unitAsOneStatement(independentSteps([first, step('insert into "a" ("x") values ($1) on conflict ("x") do nothing', 2)])),
      undefined,
    );
  });

  it('names a combined text only when every step is a named statement, and gives the same text the same name', () => {
    const one = preparedQuery(['x'], (v: { x: string }) => ({
      compile: () => CompiledQuery.raw('insert into "unit_test_a" ("x") values ($1)', [v.x]),
    }));
    const two = preparedQuery(['y'], (v: { y: string }) => ({
      compile: () => CompiledQuery.raw('insert into "unit_test_b" ("y") values ($1)', [v.y]),
    }));
    const named = unitAsOneStatement(independentSteps([{ query: one({ x: 'a' }) }, { query: two({ y: 'b' }) }]))!;
    const again = unitAsOneStatement(independentSteps([{ query: one({ x: 'c' }) }, { query: two({ y: 'd' }) }]))!;
    assert.equal(again.sql, named.sql);
    assert.deepEqual(again.parameters, ['c', 'd']);
    assert.ok(namedStatements.has(named.sql));
    const unnamed = unitAsOneStatement(
      independentSteps([{ query: one({ x: 'e' }) }, step('insert into "unit_test_c" ("z") values ($1)', 1)]),
    )!;
    assert.equal(namedStatements.has(unnamed.sql), false);
    // A unit that grows with a batch (one INSERT per credential) is combined, and kept, but not named past 8 steps.
    const long = unitAsOneStatement(independentSteps(Array.from({ length: 9 }, (_, i) => ({ query: one({ x: `l${i}` }) }))))!;
    assert.equal(long.parameters.length, 9);
    assert.equal(namedStatements.has(long.sql), false);
    const longAgain = unitAsOneStatement(independentSteps(Array.from({ length: 9 }, (_, i) => ({ query: one({ x: `k${i}` }) }))))!;
    assert.equal(longAgain.sql, long.sql);
    assert.deepEqual(
      longAgain.parameters,
      Array.from({ length: 9 }, (_, i) => `k${i}`),
    );
    assert.equal(namedStatements.has(longAgain.sql), false);
    const eight = unitAsOneStatement(independentSteps(Array.from({ length: 8 }, (_, i) => ({ query: one({ x: `m${i}` }) }))))!;
    assert.ok(namedStatements.has(eight.sql));
  });
});

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
    /** The same database through a Kysely that counts every statement the writer sends. */
    const countingKysely = () => {
      let n = 0;
      const counted = new Kysely<Database>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.databaseUrl, max: 1 }) }),
        log: () => void n++,
      });
      return { counted, statements: () => n };
    };
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
        const { counted, statements } = countingKysely();
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
          assert.ok(statements() <= 32 + steps + 2 * 60 + 30 + 4, `${statements()} statements for ${steps} steps`);
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
        const { counted, statements } = countingKysely();
        try {
          const results = await kyselyUnitWriter(counted)([independentUnit('e-1', 'e-2', 'e-3'), independentUnit('e-4', 'e-5')]);
          assert.deepEqual(
            results.map((r) => r.ok && r.changed),
            [
              [1, 1, 1],
              [1, 1],
            ],
          );
          assert.equal(statements(), 4, 'BEGIN, one statement per unit, COMMIT');
          assert.deepEqual(await stored('e-'), ['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
        } finally {
          await counted.destroy();
        }
      });

    if (backend === 'postgres')
      it('sends an independent unit alone in its batch as one statement, with no BEGIN and COMMIT', async () => {
        const { counted, statements } = countingKysely();
        try {
          assert.deepEqual(await kyselyUnitWriter(counted)([independentUnit('l-1', 'l-2', 'l-3')]), [
            { ok: true, changed: [1, 1, 1], rows: [[], [], []] },
          ]);
          assert.equal(statements(), 1);
          assert.deepEqual(await stored('l-'), ['l-1', 'l-2', 'l-3']);
        } finally {
          await counted.destroy();
        }
      });

    if (backend === 'postgres')
      it('undoes every step of a unit alone whose guard fails, first, middle or last, and tells which, as step by step', async () => {
        await opened.writeUnits([unit('m-used')]);
        const cases: [string[], number][] = [
          [['m-used', 'm-a1', 'm-a2'], 0],
          [['m-b1', 'm-used', 'm-b2'], 1],
          [['m-c1', 'm-c2', 'm-used'], 2],
        ];
        for (const [hashes, failedAt] of cases) {
          assert.notEqual(unitAsOneStatement(independentUnit(...hashes)), undefined);
          assert.deepEqual(await opened.writeUnits([independentUnit(...hashes)]), [{ ok: false, failedAt }], hashes.join());
          // The same unit step by step gives the same answer, and neither leaves a row behind.
          assert.deepEqual(await opened.writeUnits([unit(...hashes)]), [{ ok: false, failedAt }], hashes.join());
        }
        // A step without a guard does not stop the unit, whatever it counts.
        const unguarded = independentSteps([{ query: insert('m-used') }, { query: insert('m-d1'), expect: 1 }]);
        assert.deepEqual(await opened.writeUnits([unguarded]), [{ ok: true, changed: [0, 1], rows: [[], []] }]);
        assert.deepEqual(await stored('m-'), ['m-d1', 'm-used']);
      });

    if (backend === 'postgres')
      it('refuses at the failed guard, not at a lock a later step would wait for, as step by step', async () => {
        // Step by step the first guard fails and the second step never touches the locked row; as
        // one statement every step runs and the second waits for the lock until lock_timeout.
        const short = openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, lockTimeoutMs: 300 });
        const holder = new pg.Client({ connectionString: target.databaseUrl });
        await holder.connect();
        try {
          await opened.writeUnits([unit('h-used')]);
          await opened.db.insertInto('service_secrets').values({ name: 'h-row', secret: 'x', created_at: NOW }).execute();
          await holder.query('begin');
          await holder.query(`select * from service_secrets where name = 'h-row' for update`);
          const touch = opened.db
            .updateTable('service_secrets')
            .set({ created_at: NOW + 1 })
            .where('name', '=', 'h-row')
            .compile();
          const marked = independentSteps([
            { query: insert('h-used'), expect: 1 },
            { query: touch, expect: 1 },
          ]);
          assert.notEqual(unitAsOneStatement(marked), undefined);
          assert.deepEqual(await short.writeUnits([marked]), [{ ok: false, failedAt: 0 }]);
        } finally {
          await holder.query('rollback').catch(() => undefined);
          await holder.end();
          await short.close();
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
