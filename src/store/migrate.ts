import { Migrator, type Kysely } from 'kysely';
import type { Dialect } from './dialect.js';
import { migrationProvider } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/** Brings the schema up to date; safe to run on every start and from `dproof db migrate`. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<MigrationReport> {
  // Unordered: migrations are written on parallel branches and each creates or alters only its
  // own tables, so a store that already has 0009 must still take a 0007 that landed later
  // (Kysely refuses that by default). Each migration still runs once, recorded by name.
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
