import { CompiledQuery, sql, type Kysely, type QueryResult, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { GroupCommit } from './group-commit.js';
import { nameBatchStatement, namedStatements, nameStatement } from './prepared-query.js';

/**
 * Group-committed writes (group-commit.ts) go through a unit writer: a batch of units runs in
 * ONE transaction, so many callers share one commit. A unit is one caller's change: its steps
 * run in order, and a step with `expect` undoes the whole unit (not its neighbours: a guarded unit
 * whose guard fails sits in a SAVEPOINT) unless exactly that many rows changed — "consume this
 * nonce and this offer, or neither". On PostgreSQL this is a pooled Kysely transaction; on SQLite
 * it runs in a writer thread (sqlite-writer.ts) so the commit's fsync does not stop the event loop.
 * A statement that fails (rather than a guard) fails the whole batch; GroupCommit then retries
 * the units one by one.
 */
export interface WriteStep {
  query: CompiledQuery;
  /** Rows this step must change (or, for a SELECT / RETURNING, return); otherwise the unit is undone. */
  expect?: number;
}
/**
 * `independent`: no step reads a table an earlier step of the unit wrote, and nobody reads the
 * unit's rows. PostgreSQL then runs it as one statement (unitAsOneStatement): one round trip
 * instead of one per step. Mark units with independentSteps().
 */
export type WriteUnit = readonly WriteStep[] & { readonly independent?: true };

/** Marks steps as an independent unit (see WriteUnit); their UnitResult's `rows` stay empty. */
export const independentSteps = (steps: WriteStep[]): WriteUnit => Object.assign(steps, { independent: true as const });

/** Per step: rows changed (or returned), and the rows a SELECT / RETURNING gave. */
export type UnitResult = { ok: true; changed: number[]; rows: Record<string, unknown>[][] } | { ok: false; failedAt: number };

export type UnitWriter = (units: readonly WriteUnit[]) => Promise<UnitResult[]>;

/** Plain statements, one unit each, answering how many rows each changed. */
export type BatchWriter = (statements: readonly CompiledQuery[]) => Promise<number[]>;

/**
 * One unit at a time, group-committed (group-commit.ts): the units that arrive while a batch
 * commits share the next transaction (PostgreSQL: one BEGIN/COMMIT and WAL flush; SQLite: one
 * message to the writer thread). What the repositories' single-unit writes go through.
 */
export function groupCommitted(writeUnits: UnitWriter): (unit: WriteUnit) => Promise<UnitResult> {
  const units = new GroupCommit<WriteUnit, UnitResult>(writeUnits);
  return (unit) => units.submit(unit);
}

export const statementWriter =
  (writeUnits: UnitWriter): BatchWriter =>
  async (statements) =>
    (await writeUnits(statements.map((query) => [{ query }]))).map((r) => (r.ok ? (r.changed[0] ?? 0) : 0));

export const isGuarded = (unit: WriteUnit): boolean => unit.some((s) => s.expect !== undefined);

/** Rows a statement changed, or for a SELECT / RETURNING the rows it gave. */
const countOf = (r: QueryResult<unknown>): number => (r.numAffectedRows !== undefined ? Number(r.numAffectedRows) : r.rows.length);

/** Rolls the optimistic pass's transaction back when a unit fails its guard. */
class GuardFailed extends Error {
  constructor() {
    super('a unit of the batch failed its guard');
  }
}

/**
 * One pass over the batch in one transaction. With `savepoints`, each guarded unit sits in a
 * SAVEPOINT and a failed guard undoes that unit alone; without, a failed guard throws GuardFailed
 * and the whole transaction rolls back.
 */
const runBatch = (db: Kysely<Database>, units: readonly WriteUnit[], savepoints: boolean): Promise<UnitResult[]> =>
  db.transaction().execute(async (tx) => {
    const results: UnitResult[] = [];
    for (const unit of units) {
      const guarded = savepoints && isGuarded(unit);
      if (guarded) await sql`savepoint unit`.execute(tx);
      const changed: number[] = [];
      const rows: Record<string, unknown>[][] = [];
      // The optimistic pass runs an independent unit as one statement; the pass with savepoints
      // (after a failed guard) runs every unit step by step, so it stops where the guard failed.
      const oneStatement = !savepoints && unit.independent === true ? unitAsOneStatement(unit) : undefined;
      const failedAt = oneStatement ? await runAsOne(tx, unit, oneStatement, changed, rows) : await runUnit(tx, unit, changed, rows);
      if (failedAt < 0) {
        if (guarded) await sql`release savepoint unit`.execute(tx);
        results.push({ ok: true, changed, rows });
      } else if (!savepoints) {
        throw new GuardFailed();
      } else {
        await sql`rollback to savepoint unit`.execute(tx);
        await sql`release savepoint unit`.execute(tx);
        results.push({ ok: false, failedAt });
      }
    }
    return results;
  });

/** Runs a unit's steps in order; the index of the step whose guard failed, or -1. */
async function runUnit(tx: Transaction<Database>, unit: WriteUnit, changed: number[], rows: Record<string, unknown>[][]): Promise<number> {
  for (const [i, step] of unit.entries()) {
    const r = await tx.executeQuery<Record<string, unknown>>(step.query);
    const n = countOf(r);
    changed.push(n);
    rows.push(r.rows);
    if (step.expect !== undefined && n !== step.expect) return i;
  }
  return -1;
}

/**
 * One statement for an independent unit: each step a data-modifying CTE (`RETURNING 1` added
 * where it has none, so its rows can be counted) and one row of counts. PostgreSQL runs every CTE
 * once and to completion against the statement's snapshot (so no step sees another's writes, which
 * is what `independent` promises) and checks foreign keys after all of them (unique constraints
 * row by row; an `INSERT … ON CONFLICT DO NOTHING` does see a row an earlier CTE inserted, as step
 * by step). So a child row inserted before its parent would pass here and fail step by step: no
 * unit does that.
 *
 * Written by hand: node-postgres sends one statement per round trip and cannot pipeline, and on
 * loopback each round trip's write cost the server more CPU than the statement (issue 22). The
 * steps are our own compiled statements. Undefined (run step by step) for a unit of one step, a
 * step whose text could defeat the renumbering of its `$n` parameters or the added RETURNING (a
 * string literal, a `;`, a comment, dollar quoting, its own WITH), or one that names a table an
 * earlier step wrote other than as a plain INSERT's target: the promise is checked, not only taken.
 */
export function unitAsOneStatement(unit: WriteUnit): CompiledQuery | undefined {
  const texts = unitTexts(unit);
  return texts && CompiledQuery.raw(texts.combined, parametersOf(unit));
}

/**
 * A unit alone in its batch as ONE autocommitted statement, with no BEGIN and COMMIT around it:
 * the unit's one statement whose row of counts also checks each guard, and makes the statement
 * fail when one does not hold (an error undoes every step of the statement, which commits only when
 * it succeeds). The failing guard raises `invalid input syntax for type integer` on a text that
 * names it (GUARD_MARK), a cast PostgreSQL cannot fold while planning because the text holds the
 * step's count. The expected counts are parameters, so the text depends on the steps' texts only
 * and is kept and named with them. The counts are a MATERIALIZED CTE: inlined, PostgreSQL copied
 * each count's subquery into the select list, the WHEN and the THEN, and ran a guarding SELECT step
 * twice (EXPLAIN ANALYZE). Undefined where unitAsOneStatement is.
 */
export function unitAloneStatement(unit: WriteUnit): CompiledQuery | undefined {
  const texts = unitTexts(unit);
  return texts && CompiledQuery.raw(texts.alone, [...parametersOf(unit), ...unit.map((s) => s.expect ?? null)]);
}

const parametersOf = (unit: WriteUnit): unknown[] => unit.flatMap((s) => [...s.query.parameters]);

/** The unit's combined texts, from the cache when its steps are kept; undefined: step by step. */
function unitTexts(unit: WriteUnit): { combined: string; alone: string } | undefined {
  if (unit.length < 2) return undefined;
  let texts = keptText(unit, false)?.texts;
  if (texts === undefined) {
    texts = combinedTexts(unit.map((s) => s.query)) ?? null;
    // Kept: units whose steps are all the hot path's fixed statements (a unit's steps are then one
    // of the few sequences the code writes, a batch request's one per batch size). Named (sent as
    // prepared statements, like their parts) only up to a few steps: a batch request's unit grows
    // with its credentials (one INSERT each), and a backend keeps ~4 KB of plan per row of a named
    // INSERT. The longer ones are kept as text only, up to KEPT_LONG_TEXT_CHARS in all: building a
    // batch of 10's two texts again cost ~55 µs per request (measured: scanning and renumbering each step).
    if (unit.every((s) => namedStatements.has(s.query.sql))) {
      const named = unit.length <= NAMED_UNIT_STEPS;
      const size = texts === null ? 0 : texts.combined.length + texts.alone.length;
      if (named || keptLongTextChars + size <= KEPT_LONG_TEXT_CHARS) {
        keptText(unit, true)!.texts = texts;
        if (!named) keptLongTextChars += size;
        else if (texts !== null) {
          nameStatement(texts.combined);
          nameStatement(texts.alone);
        }
      }
    }
  }
  return texts ?? undefined;
}

/**
 * The cache entry of a unit's steps, made when `create`. Looked up step by step: V8 keeps a
 * string's hash, so each lookup of a fixed statement's text is O(1), where one key joined from the
 * texts would be hashed anew on every call.
 */
function keptText(unit: WriteUnit, create: boolean): TextNode | undefined {
  let node = keptTexts;
  for (const { query } of unit) {
    let next = node.next.get(query.sql);
    if (!next) {
      if (!create) return undefined;
      next = new TextNode();
      node.next.set(query.sql, next);
    }
    node = next;
  }
  return node;
}

/** The most steps of a unit whose combined text is kept and named (a single credential's unit has 5). */
const NAMED_UNIT_STEPS = 8;
/**
 * Longer units' texts kept unnamed, in characters (one unit per batch size in use, times the few
 * flows that batch; a batch of 10's two texts are ~9,000 characters).
 */
const KEPT_LONG_TEXT_CHARS = 2_000_000;
let keptLongTextChars = 0;

/** The combined texts kept, by their steps' texts in order; `null`: these steps run one by one. */
class TextNode {
  texts: { combined: string; alone: string } | null | undefined;
  readonly next = new Map<string, TextNode>();
}
const keptTexts = new TextNode();

/** What a guard that fails in a unit run alone raises on (unitAloneStatement), before the step's index. */
const GUARD_MARK = 'dproof_guard_failed:';

/** The table a statement writes (the last name of a qualified one). */
const WRITTEN_TABLE = /^\s*(?:insert\s+into|update|delete\s+from)\s+(?:"\w+"\.)?"(\w+)"/i;
/** `insert into "t" (…) values (…)`, optionally `on conflict (…) do nothing`: reads no table. */
const PLAIN_INSERT =
  /^\s*insert\s+into\s+(?:"\w+"\.)?"\w+"\s*\([^()]*\)\s*values\s*(?:\([^()]*\)\s*,?\s*)+(?:on\s+conflict\s*\([^()]*\)\s*do\s+nothing\s*)?(?:returning\b[^()]*)?$/i;
/**
 * What this combiner does not read safely, outside quoted identifiers: a string literal, a `;`, a
 * comment, a `$` that is not a `$n` parameter (dollar quoting), or a WITH of the step's own.
 */
const UNSAFE = /['";]|--|\/\*|\$(?!\d)|^\s*with\b/i;

function combinedTexts(queries: readonly CompiledQuery[]): { combined: string; alone: string } | undefined {
  const written = new Set<string>();
  const parts: string[] = [];
  let offset = 0;
  for (const [i, { sql: text, parameters }] of queries.entries()) {
    const bare = text.replace(/"\w+"/g, '""');
    if (UNSAFE.test(bare.replaceAll('""', ''))) return undefined;
    // A table an earlier step wrote, named anywhere (quoted or not) but as a plain INSERT's target.
    if (!PLAIN_INSERT.test(text) && [...written].some((t) => new RegExp(`(^|[^\\w])${t}([^\\w]|$)`).test(text))) return undefined;
    const target = WRITTEN_TABLE.exec(text)?.[1];
    if (target !== undefined) written.add(target);
    const renumbered = offset === 0 ? text : text.replace(/\$(\d+)/g, (_, n: string) => `$${String(Number(n) + offset)}`);
    const counted = /^\s*select\b/i.test(bare) || /\breturning\b/i.test(bare) ? renumbered : `${renumbered} returning 1`;
    parts.push(`s${String(i)} as (${counted})`);
    offset += parameters.length;
  }
  const counts = queries.map((_, i) => `(select count(*) from s${String(i)})::int as c${String(i)}`).join(', ');
  // The expected counts follow the steps' parameters ($n, null for a step without a guard).
  const guards = queries
    .map((_, i) => {
      const expect = `$${String(offset + i + 1)}::int`;
      return `when ${expect} is not null and c${String(i)} <> ${expect} then ('${GUARD_MARK}${String(i)}:' || c${String(i)})::int`;
    })
    .join(' ');
  const steps = `with ${parts.join(', ')}`;
  return {
    combined: `${steps} select ${counts}`,
    alone: `${steps}, dproof_counts as materialized (select ${counts}) select *, case ${guards} else 0 end as dproof_guard from dproof_counts`,
  };
}

/** Whether `e` is a unit run alone failing on one of its guards (unitAloneStatement). */
function isFailedGuard(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || (e as { code?: unknown }).code !== '22P02') return false;
  const message = (e as { message?: unknown }).message;
  return typeof message === 'string' && message.includes(GUARD_MARK);
}

/**
 * Errors of a unit run as one statement that its steps one by one might not raise: PostgreSQL's
 * class 23 (integrity constraint: unique, foreign key, not null, check), 55P03 (lock not
 * available: lock_timeout) and 40P01 (deadlock detected).
 */
const isStepByStepError = (e: unknown): boolean => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code.startsWith('23') || code === '55P03' || code === '40P01');
};

/** Runs an independent unit as one statement; the index of the first step whose guard failed, or -1. */
async function runAsOne(
  tx: Transaction<Database>,
  unit: WriteUnit,
  query: CompiledQuery,
  changed: number[],
  rows: Record<string, unknown>[][],
): Promise<number> {
  let r: QueryResult<Record<string, number>>;
  try {
    r = await tx.executeQuery<Record<string, number>>(query);
  } catch (e) {
    // A constraint, a lock wait past the lock timeout or a deadlock that the steps one by one
    // might never have reached (every CTE runs, also after a guard that failed, as a c_nonce used
    // twice): the optimistic pass rolls back, and the pass with savepoints runs the unit step by
    // step, which decides what its outcome is (a lock still held then waits its timeout again).
    if (isStepByStepError(e)) throw new GuardFailed();
    throw e;
  }
  const read = readCounts(unit, r.rows[0]!);
  changed.push(...read.changed);
  rows.push(...unit.map(() => []));
  return read.failedAt;
}

/** A unit's row of counts (c0, c1, …): rows changed per step, and the first step whose guard failed, or -1. */
function readCounts(unit: WriteUnit, counts: Record<string, number>): { changed: number[]; failedAt: number } {
  const changed = unit.map((_, i) => counts[`c${String(i)}`]!);
  return { changed, failedAt: unit.findIndex((s, i) => s.expect !== undefined && changed[i] !== s.expect) };
}

export const kyselyUnitWriter =
  (db: Kysely<Database>): UnitWriter =>
  async (units) => {
    // One unguarded statement (a group commit's multi-row INSERT) is atomic on its own and
    // commits when it returns: one round trip instead of BEGIN, the statement and COMMIT.
    const only = units.length === 1 && units[0]!.length === 1 && !isGuarded(units[0]!) ? units[0]![0]! : undefined;
    if (only) {
      const r = await db.executeQuery<Record<string, unknown>>(only.query);
      return [{ ok: true, changed: [countOf(r)], rows: [r.rows] }];
    }
    // So is an independent unit alone in its batch, as one statement that fails when a guard does
    // not hold: one round trip instead of three. A failed guard (or a constraint, lock timeout or
    // deadlock: see runAsOne) left nothing behind, and the pass with savepoints decides, as below.
    const alone = units.length === 1 && units[0]!.independent === true ? unitAloneStatement(units[0]!) : undefined;
    if (alone) {
      const unit = units[0]!;
      try {
        const { changed, failedAt } = readCounts(unit, (await db.executeQuery<Record<string, number>>(alone)).rows[0]!);
        // The statement raised for any guard that did not hold; checked again here, so a change to
        // the generated text that lost a guard fails loudly instead of answering ok.
        if (failedAt >= 0) throw new Error('a unit run alone passed a guard that failed');
        return [{ ok: true, changed, rows: unit.map(() => []) }];
      } catch (e) {
        if (!isFailedGuard(e) && !isStepByStepError(e)) throw e;
      }
      return runBatch(db, units, true);
    }
    // Guards hold nearly always, so the batch first runs without a SAVEPOINT per unit (two round
    // trips each on PostgreSQL). When a guard fails, that transaction rolls back and the whole
    // batch runs once more with savepoints, so every outcome is decided in the transaction that
    // commits, and a batch costs at most two transactions however many of its units fail.
    try {
      return await runBatch(db, units, false);
    } catch (e) {
      if (!(e instanceof GuardFailed)) throw e;
    }
    return runBatch(db, units, true);
  };

/**
 * Runs a batch of rows as ONE multi-row INSERT … RETURNING (compiled by the caller, usually with
 * ON CONFLICT DO NOTHING) and tells, per row, whether it went in: on PostgreSQL one round trip
 * instead of one per row. `keyOf` reads a row's value of the RETURNING column; when several rows
 * of the batch share a key, only one of them is reported as inserted.
 */
export async function insertEach<R>(
  writeUnits: UnitWriter,
  query: CompiledQuery,
  rows: readonly R[],
  column: string,
  keyOf: (row: R) => unknown,
): Promise<boolean[]> {
  nameBatchStatement(query.sql, rows.length);
  const [result] = await writeUnits([[{ query }]]);
  const inserted = new Set(result?.ok ? (result.rows[0] ?? []).map((r) => r[column]) : []);
  return rows.map((r) => inserted.delete(keyOf(r)));
}
