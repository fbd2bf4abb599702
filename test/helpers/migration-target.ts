/**
 * A store on one back end whose migrations a test steps through by name: down to the one before
 * the migration under test, data in the old shape, up to that migration only (later ones have
 * their own tests), and down again.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll } from 'vitest';
import type { Kysely } from 'kysely';
import { openStore, type Store } from '../../src/store/store.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { migratorFor } from '../../src/store/migrate.js';
import { makeStoreTarget } from './stores.js';

export interface MigrationTarget {
  store: Store;
  /** The same connection, untyped: for the tables and columns of other schema versions. */
  db: Kysely<unknown>;
  /** Migrates up or down to `name` (applied last); fails the test on an error. Returns the names applied or undone. */
  migrateTo(name: string): Promise<string[]>;
  close(): Promise<void>;
}

async function openMigrationTarget(backend: 'sqlite' | 'postgres'): Promise<MigrationTarget> {
  const target = await makeStoreTarget(backend);
  const store = openStore({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const db = store.db as unknown as Kysely<unknown>;
  const migrator = migratorFor(db, await migrationProvider(store.dialect).getMigrations());
  return {
    store,
    db,
    async migrateTo(name) {
      const r = await migrator.migrateTo(name);
      assert.equal(r.error, undefined);
      return (r.results ?? []).map((x) => x.migrationName);
    },
    async close() {
      await store.close();
      await target.cleanup();
    },
  };
}

/** Opens a target before the enclosing describe's tests and closes it after them; call the getter inside a test. */
export function useMigrationTarget(backend: 'sqlite' | 'postgres'): () => MigrationTarget {
  let m: MigrationTarget | undefined;
  beforeAll(async () => {
    m = await openMigrationTarget(backend);
  });
  afterAll(async () => m?.close());
  return () => {
    assert.ok(m, 'the migration target opens in beforeAll');
    return m;
  };
}
