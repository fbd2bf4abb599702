import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './dialect.js';
import { kyselyUnitWriter, type UnitWriter } from './batch-writer.js';
import { configureSqlite } from './sqlite-settings.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from './lock-timeout.js';
import { SqliteWriter } from './sqlite-writer.js';
import { namedStatements } from './prepared-query.js';
import { isStaleNamedStatement } from './classify-store-error.js';
import { prepareDataDir, restrictDataFiles, type PermissionWarning } from './restrict-data-permissions.js';

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for messages (a file path, or the PostgreSQL URL without password). */
  location: string;
  /** Group-committed writes (one transaction per batch); on SQLite in the writer thread. */
  writeUnits: UnitWriter;
  /** How long a statement waits for another connection's lock (DatabaseOptions.lockTimeoutMs, or the default). */
  lockTimeoutMs: number;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
  /** How long a statement waits for a lock another connection holds (STORE_LOCK_TIMEOUT_MS; lock-timeout.ts). */
  lockTimeoutMs?: number;
  /** Told when the data folder or a database file could not be made private (0700 / 0600). */
  onPermissionWarning?: (w: PermissionWarning) => void;
}

export const SQLITE_FILE = 'digital-proof.db';

/** pg is loaded only for a PostgreSQL store: an embedded one starts ~0.1–0.2 s sooner without it. */
let pgModule: typeof import('pg') | undefined;
const loadPg = (): typeof import('pg') => (pgModule ??= createRequire(import.meta.url)('pg') as typeof import('pg'));

/** int8 (bigint) columns hold millisecond times, well inside Number's safe range. */
const pgTypes = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : loadPg().types.getTypeParser(oid, format as 'text'),
};

/**
 * Sends the hot path's fixed statements (prepared-query.ts) as named prepared statements: the
 * backend parses them once per connection and keeps their plans, where an unnamed statement is
 * parsed and planned on every call (the flow bench: PostgreSQL's CPU per credential −42%). Kysely
 * calls `query(text, values)`; only texts in the named set change form, so statements built per
 * call stay unnamed and a connection never accumulates them.
 *
 * When the server's statement no longer matches (isStaleNamedStatement: a kept `SELECT *` plan
 * whose table gained a column in a newer node's migration, or a pooler that does not keep
 * prepared statements), the text goes unnamed for the whole process, and a statement sent outside
 * a transaction is sent again at once; inside one the transaction has failed, so the error stands
 * (a 503: the caller's retry runs unnamed).
 */
const unnamedTexts = new Set<string>();

function nameHotStatements(client: import('pg').PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    const name =
      rest.length === 0 && typeof text === 'string' && Array.isArray(values) && !unnamedTexts.has(text)
        ? namedStatements.get(text)
        : undefined;
    if (name === undefined) return query(text, values, ...rest);
    // 'I': no transaction open before this statement (Kysely runs one statement at a time per connection).
    const outsideTransaction = client.getTransactionStatus() === 'I';
    return query({ name, text, values }).catch((e: unknown) => {
      if (!isStaleNamedStatement(e)) throw e;
      unnamedTexts.add(text as string);
      if (outsideTransaction) return query(text, values);
      throw e;
    });
  };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a deferred transaction that reads and then
 * writes fails at once with SQLITE_BUSY when another process (the CLI beside the server)
 * committed in between, without waiting for busy_timeout. Taking the write lock up front makes
 * concurrent writers wait their turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    database: SqliteDatabase,
    private readonly inTransaction: () => boolean,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    // Some errors (SQLITE_FULL, SQLITE_IOERR, …) make SQLite roll the transaction back itself
    // (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction").
    // A second ROLLBACK then fails with "no transaction is active" and hides the real error,
    // turning a full disk (503) into an internal error (500).
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection) => {
      if (this.inTransaction()) await rollback(connection);
    };
    return driver;
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing cost more than running on the
 * issuance path (cpu-prof). Statements are cached by their SQL text (values are always bound
 * parameters, so the set of texts is small); the driver runs one statement at a time.
 */
function withStatementCache(db: BetterSqlite3.Database, max = 512): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
    close: () => {
      cache.clear();
      db.close();
    },
  };
}

export function openDatabase(opts: DatabaseOptions): OpenedDatabase {
  const lockTimeoutMs = Math.trunc(opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
  if (opts.databaseUrl) {
    const pool = new (loadPg().Pool)({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      lock_timeout: lockTimeoutMs,
      types: pgTypes,
    });
    // An idle client losing its connection (database restarted) must not crash the process;
    // the next query reports the fault and the pool reconnects.
    pool.on('error', () => {});
    // The same for a client checked out by a transaction between two of its queries: pg emits
    // 'error' on the client itself, and without a listener that kills the process (seen when the
    // database went away under a running server). The transaction's next query fails instead
    // (→ 503), and the pool drops the dead client on release.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      nameHotStatements(client);
    });
    const u = new URL(opts.databaseUrl);
    u.password = '';
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const writeUnits = kyselyUnitWriter(db);
    return { db, dialect: 'postgres', location: u.toString(), writeUnits, lockTimeoutMs, close: () => db.destroy() };
  }

  const file = join(opts.dataDir, SQLITE_FILE);
  const warnings = prepareDataDir(opts.dataDir, file);
  const sqlite = new BetterSqlite3(file, { timeout: lockTimeoutMs });
  configureSqlite(sqlite);
  for (const w of [...warnings, ...restrictDataFiles(file)]) opts.onPermissionWarning?.(w);
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(withStatementCache(sqlite), () => sqlite.inTransaction) });
  const writer = new SqliteWriter(file, lockTimeoutMs);
  return {
    db,
    dialect: 'sqlite',
    location: file,
    writeUnits: writer.write,
    lockTimeoutMs,
    close: async () => {
      await writer.close();
      await db.destroy();
    },
  };
}
