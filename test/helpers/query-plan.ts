/**
 * The plan a store would run a statement with, as text: SQLite's EXPLAIN QUERY PLAN, or
 * PostgreSQL's EXPLAIN with sequential scans switched off (on a table of a few rows PostgreSQL
 * scans whatever its indexes; with scans off the plan says whether an index applies at all).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';

export async function queryPlan(backend: 'sqlite' | 'postgres', db: Kysely<unknown>, statement: RawBuilder<unknown>): Promise<string> {
  if (backend === 'sqlite') return JSON.stringify((await sql`EXPLAIN QUERY PLAN ${statement}`.execute(db)).rows);
  const rows = await db.transaction().execute(async (tx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(tx);
    return (await sql`EXPLAIN ${statement}`.execute(tx)).rows;
  });
  return JSON.stringify(rows);
}
