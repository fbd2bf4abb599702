/**
 * The plan a store would run a statement with, as text: SQLite's EXPLAIN QUERY PLAN, or
 * PostgreSQL's EXPLAIN with sequential scans switched off (on a table of a few rows PostgreSQL
 * scans whatever its indexes; with scans off the plan says whether an index applies at all;
 * with `orderFromIndex`, whether one gives the rows in the order asked, without sorting them).
 * The statement's own parameters are bound, as when the repositories run it.
 */
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';

export async function queryPlan(
  backend: 'sqlite' | 'postgres',
  db: Kysely<unknown>,
  statement: RawBuilder<unknown> | CompiledQuery,
  /** PostgreSQL: sorts and bitmap scans off too, so the plan says whether an index gives the order at all. */
  options: { orderFromIndex?: boolean } = {},
): Promise<string> {
  const q = 'compile' in statement ? statement.compile(db) : statement;
  const explain = CompiledQuery.raw(`${backend === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${q.sql}`, [...q.parameters]);
  if (backend === 'sqlite') return JSON.stringify((await db.executeQuery(explain)).rows);
  const rows = await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(tx);
    if (options.orderFromIndex) {
      for (const setting of ['enable_sort', 'enable_incremental_sort', 'enable_bitmapscan'])
        await sql`SELECT set_config(${setting}, 'off', true)`.execute(tx);
    }
    return (await tx.executeQuery(explain)).rows;
  });
  return JSON.stringify(rows);
}
