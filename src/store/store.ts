import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './dialect.js';
import { openDatabase, type DatabaseOptions } from './open-database.js';
import { migrateToLatest, type MigrationReport } from './migrate.js';
import { keysRepo } from './repositories/keys-repo.js';
import { clientsRepo } from './repositories/clients-repo.js';
import { auditRepo } from './repositories/audit-repo.js';
import { credentialsRepo } from './repositories/credentials-repo.js';
import { statusListsRepo } from './repositories/status-lists-repo.js';

/** The repository layer: one object per table family, the same on SQLite and PostgreSQL. */
export interface Store {
  readonly dialect: Dialect;
  readonly location: string;
  readonly db: Kysely<Database>;
  readonly keys: ReturnType<typeof keysRepo>;
  readonly clients: ReturnType<typeof clientsRepo>;
  readonly audit: ReturnType<typeof auditRepo>;
  readonly credentials: ReturnType<typeof credentialsRepo>;
  readonly statusLists: ReturnType<typeof statusListsRepo>;
  migrate(): Promise<MigrationReport>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openStore(opts: DatabaseOptions): Store {
  const { db, dialect, location } = openDatabase(opts);
  return {
    dialect,
    location,
    db,
    keys: keysRepo(db),
    clients: clientsRepo(db),
    audit: auditRepo(db),
    credentials: credentialsRepo(db),
    statusLists: statusListsRepo(db),
    migrate: () => migrateToLatest(db as unknown as Kysely<unknown>, dialect),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
