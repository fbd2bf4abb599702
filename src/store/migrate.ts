import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './dialect.js';
import { migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/**
 * True when the store has recorded exactly the migrations this code knows: nothing to do. Kysely's
 * Migrator finds that out too, but first looks for its two tables by introspecting every table's
 * columns (twice): 30–80 ms of each start's CPU on a store that is already up to date. Any doubt
 * (no table yet, a name this code does not know, one missing) leaves the decision to the Migrator.
 */
async function isUpToDate(db: Kysely<unknown>, known: readonly string[]): Promise<boolean> {
  let recorded: string[];
  try {
    recorded = (await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db)).rows.map((r) => r.name);
  } catch {
    return false;
  }
  const done = new Set(recorded);
  return done.size === known.length && known.every((n) => done.has(n));
}

/**
 * Kysely's Migrator over these migrations. Unordered: migrations are written on parallel branches
 * and each creates or alters only its own tables, so a store that already has 0009 must still take
 * a 0007 that landed later (Kysely refuses that by default). Each still runs once, recorded by name.
 */
export const migratorFor = (db: Kysely<unknown>, migrations: Record<string, Migration>): Migrator =>
  new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });

/** Brings the schema up to date; safe to run on every start and from `dproof db migrate`. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<MigrationReport> {
  // Built once: the check above the Migrator and the Migrator read the same list.
  const migrations = await migrationProvider(dialect).getMigrations();
  if (await isUpToDate(db, Object.keys(migrations))) return { applied: [] };
  const { error, results } = await migratorFor(db, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
