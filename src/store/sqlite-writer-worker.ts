/**
 * The embedded store's writer thread (see sqlite-writer.ts): its own connection to the same
 * file runs each batch as one transaction, BEGIN IMMEDIATE … COMMIT, and reports how many rows
 * each statement changed, or the error with its SQLite code.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { configureSqlite, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-settings.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');
const { file } = workerData as { file: string };

let db: BetterSqlite3.Database | undefined;
const statements = new Map<string, BetterSqlite3.Statement>();

function connection(): BetterSqlite3.Database {
  if (!db) {
    db = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    configureSqlite(db);
  }
  return db;
}

function prepared(c: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let s = statements.get(sql);
  if (!s) {
    s = c.prepare(sql);
    statements.set(sql, s);
  }
  return s;
}

// Structured cloning turns a Buffer into a plain Uint8Array; SQLite binds only Buffers as blobs.
const bindable = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

port.on('message', (m: WriterRequest) => {
  let reply: WriterReply;
  try {
    const c = connection();
    prepared(c, 'BEGIN IMMEDIATE').run();
    const changed = m.statements.map((s) => prepared(c, s.sql).run(...s.parameters.map(bindable)).changes);
    prepared(c, 'COMMIT').run();
    reply = { id: m.id, changed };
  } catch (e) {
    // Some errors (SQLITE_FULL, SQLITE_IOERR) roll the transaction back on their own.
    if (db?.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        /* the original error is the one to report */
      }
    }
    const err = e as { message?: unknown; code?: unknown; name?: unknown };
    reply = {
      id: m.id,
      error: {
        message: typeof err.message === 'string' ? err.message : String(e),
        ...(typeof err.code === 'string' && { code: err.code }),
        name: typeof err.name === 'string' ? err.name : 'Error',
      },
    };
  }
  port.postMessage(reply);
});

port.on('close', () => db?.close());
