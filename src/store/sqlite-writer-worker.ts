/**
 * The embedded store's writer thread (see sqlite-writer.ts): its own connection to the same
 * file runs each batch — and the batches queued behind it — as one transaction, BEGIN IMMEDIATE
 * … COMMIT, each guarded unit inside a SAVEPOINT (batch-writer.ts), and reports per step how many
 * rows it changed or returned, or the error with its SQLite code.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { configureSqlite } from './sqlite-settings.js';
import { isStoreUnavailable } from './classify-store-error.js';
import type { UnitOutcome, WriterReply, WriterRequest, WriterStep } from './sqlite-writer.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');
const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };

let db: BetterSqlite3.Database | undefined;
const statements = new Map<string, BetterSqlite3.Statement>();

function connection(): BetterSqlite3.Database {
  if (!db) {
    db = new BetterSqlite3(file, { timeout: busyTimeoutMs });
    configureSqlite(db);
    // The savepoints of a merged batch (one per guarded unit) spilled their statement journal
    // into a temp file (open, unlink, write, close: strace showed ~0.7 per commit, ~8% of this
    // thread's time). This connection only runs small write units, so its temp data stays in
    // memory; the main connection (migrations, big sorts) keeps temp files.
    db.pragma('temp_store = MEMORY');
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
const bindable = (v: unknown): unknown =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;

function runUnit(c: BetterSqlite3.Database, unit: WriterStep[]): UnitOutcome {
  const guarded = unit.some((s) => s.expect !== undefined);
  if (guarded) prepared(c, 'SAVEPOINT unit').run();
  const changed: number[] = [];
  const rows: unknown[][] = [];
  for (const [i, step] of unit.entries()) {
    const stmt = prepared(c, step.sql);
    const params = step.parameters.map(bindable);
    // SELECT and … RETURNING give rows (their count is what `expect` checks); others a change count.
    if (stmt.reader) {
      const got = stmt.all(...params);
      rows.push(got);
      changed.push(got.length);
    } else {
      rows.push([]);
      changed.push(stmt.run(...params).changes);
    }
    if (step.expect !== undefined && changed[i] !== step.expect) {
      prepared(c, 'ROLLBACK TO unit').run();
      prepared(c, 'RELEASE unit').run();
      return { ok: false, failedAt: i };
    }
  }
  if (guarded) prepared(c, 'RELEASE unit').run();
  return { ok: true, changed, rows };
}

function errorOf(e: unknown): { message: string; code?: string; name: string } {
  const err = e as { message?: unknown; code?: unknown; name?: unknown };
  return {
    message: typeof err.message === 'string' ? err.message : String(e),
    ...(typeof err.code === 'string' && { code: err.code }),
    name: typeof err.name === 'string' ? err.name : 'Error',
  };
}

/** Runs the requests' units in ONE transaction; throws (after rolling back) if a statement fails. */
function commitTogether(requests: readonly WriterRequest[]): UnitOutcome[][] {
  const c = connection();
  try {
    prepared(c, 'BEGIN IMMEDIATE').run();
    const outcomes = requests.map((m) => m.units.map((unit) => runUnit(c, unit)));
    prepared(c, 'COMMIT').run();
    return outcomes;
  } catch (e) {
    // Some errors (SQLITE_FULL, SQLITE_IOERR) roll the transaction back on their own.
    if (c.inTransaction) {
      try {
        c.exec('ROLLBACK');
      } catch {
        /* the original error is the one to report */
      }
    }
    throw e;
  }
}

/** The most requests one transaction takes from the queue (each is already a batch of units). */
const MAX_MERGED = 64;

port.on('message', (first: WriterRequest) => {
  // Batches that queued up while the last COMMIT waited for its fsync (the nonces of some
  // verifications, the receipts of others, issued credentials) share the next commit: one fsync
  // for all of them instead of one each.
  const requests = [first];
  for (let next; requests.length < MAX_MERGED && (next = receiveMessageOnPort(port));) requests.push(next.message as WriterRequest);
  let outcomes: UnitOutcome[][];
  try {
    outcomes = commitTogether(requests);
  } catch (e) {
    // As in GroupCommit: a store that is locked, full or failing fails every batch alike (one
    // busy timeout, not one per batch); a failing statement is retried batch by batch, so it
    // fails only its own.
    if (requests.length === 1 || isStoreUnavailable(e)) {
      for (const m of requests) port.postMessage({ id: m.id, error: errorOf(e) } satisfies WriterReply);
      return;
    }
    for (const m of requests) port.postMessage(runAlone(m));
    return;
  }
  requests.forEach((m, i) => port.postMessage({ id: m.id, outcomes: outcomes[i]! } satisfies WriterReply));
});

function runAlone(m: WriterRequest): WriterReply {
  try {
    return { id: m.id, outcomes: commitTogether([m])[0]! };
  } catch (e) {
    return { id: m.id, error: errorOf(e) };
  }
}

port.on('close', () => db?.close());
