import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs a batch of compiled statements in ONE transaction and answers, per statement, how many
 * rows it changed. The group commits (group-commit.ts) write through this: on PostgreSQL with
 * a pooled Kysely transaction, on SQLite in a writer thread (sqlite-writer.ts) so the commit's
 * fsync does not stop the event loop.
 */
export type BatchWriter = (statements: readonly CompiledQuery[]) => Promise<number[]>;

export const kyselyBatchWriter =
  (db: Kysely<Database>): BatchWriter =>
  (statements) =>
    db.transaction().execute(async (tx) => {
      const changed: number[] = [];
      for (const s of statements) {
        const r = await tx.executeQuery(s);
        changed.push(Number(r.numAffectedRows ?? 0n));
      }
      return changed;
    });

/**
 * An INSERT of the same columns always compiles to the same SQL; Kysely builds and compiles
 * its query tree anew for every row, which cost a few percent of issuance (cpu-prof). This
 * compiles once per set of columns and binds each row's values in column order — after checking,
 * on the first row, that Kysely bound exactly those values in that order (otherwise it keeps
 * compiling every time).
 */
export function reuseCompiledInsert<R extends object>(compile: (row: R) => CompiledQuery): (row: R) => CompiledQuery {
  const templates = new Map<string, { template: CompiledQuery; columns: string[] } | null>();
  return (row) => {
    const values = row as Record<string, unknown>;
    const columns = Object.keys(values).filter((k) => values[k] !== undefined);
    const key = columns.join(',');
    const known = templates.get(key);
    if (known) return { ...known.template, parameters: known.columns.map((c) => values[c]) };
    const compiled = compile(row);
    if (known === undefined) {
      const inOrder = compiled.parameters.length === columns.length && columns.every((c, i) => compiled.parameters[i] === values[c]);
      templates.set(key, inOrder ? { template: compiled, columns } : null);
    }
    return compiled;
  };
}
