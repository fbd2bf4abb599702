/**
 * Hot-path statements that Kysely builds and compiles once, then binds anew for every call.
 *
 * Building and compiling a query through Kysely's builder cost more than SQLite running it (a
 * keyed read: ~11 µs against ~5 µs precompiled, measured), and a wallet's OpenID4VCI flow runs
 * about ten such statements, each allocating a tree of operation nodes for the GC. The query is
 * built once with a marker in place of each value; a call puts its own values where the markers
 * are, so the SQL text (and the statement cache behind it) stays the same and the values are
 * always bound parameters, never SQL.
 */
import type { Compilable, CompiledQuery } from 'kysely';

/**
 * The SQL texts of the prepared queries, each with a name of its own: PostgreSQL connections send
 * these as named statements, which each backend parses and plans once instead of on every call
 * (open-database.ts). A bounded set: the hot path's fixed statements, never texts built per call.
 */
export const namedStatements = new Map<string, string>();

/** Sends `sql` as a named statement from now on (its name stays the same once given). */
export function nameStatement(sql: string): void {
  if (!namedStatements.has(sql)) namedStatements.set(sql, `dproof_${String(namedStatements.size + 1)}`);
}

/**
 * A group commit's multi-row INSERT (batch-writer.ts insertEach): its text depends on the batch's
 * size, so it is named only for batches of up to BATCH_NAMED_ROWS rows and for at most
 * BATCH_NAMED_TEXTS texts in all, which keeps each connection's prepared statements bounded: a
 * kept 32-row INSERT of 25 columns held 128 KB of a PostgreSQL 15 backend's memory (measured), so
 * 16 rows × three tables is a few MB per pooled connection, at most ~8 MB.
 */
const BATCH_NAMED_ROWS = 16;
const BATCH_NAMED_TEXTS = 128;
let batchNamed = 0;
export function nameBatchStatement(sql: string, rows: number): void {
  if (rows > BATCH_NAMED_ROWS || namedStatements.has(sql) || batchNamed >= BATCH_NAMED_TEXTS) return;
  batchNamed++;
  nameStatement(sql);
}

/** Stands for the value named `key` while the query is built. */
class Marker {
  constructor(readonly key: string) {}
}

/**
 * `build` gets markers in place of the values named by `keys`; each must end up as a bound
 * parameter (checked at the first call, which also builds the query); one used twice is bound twice.
 */
export function preparedQuery<V extends Record<string, unknown>, R>(
  keys: readonly (keyof V & string)[],
  build: (values: V) => Compilable<R>,
): (values: V) => CompiledQuery<R> {
  let compiled: CompiledQuery<R> | undefined;
  // Per parameter: the value's key, or undefined for a constant the builder bound itself.
  let slots: (string | undefined)[] = [];
  return (values) => {
    if (!compiled) {
      const markers = Object.fromEntries(keys.map((k) => [k, new Marker(k)])) as unknown as V;
      const c = build(markers).compile();
      const bound = c.parameters.map((p) => (p instanceof Marker ? p.key : undefined));
      const named = new Set(bound.filter((k) => k !== undefined));
      if (named.size !== keys.length)
        throw new Error(`preparedQuery: every value (${keys.join(', ')}) must be a bound parameter, got ${[...named].join(', ')}`);
      compiled = c;
      slots = bound;
      nameStatement(c.sql);
    }
    const parameters = compiled.parameters.map((p, i) => {
      const key = slots[i];
      return key === undefined ? p : values[key];
    });
    return { ...compiled, parameters };
  };
}
