/**
 * The embedded store's group-committed writes run in a worker thread with its own connection.
 * With synchronous=FULL every commit waits for an fsync (about 3 ms here); on the main thread
 * that wait stopped the event loop, and the cpu-prof of issuance showed 15% of the server's time
 * inside COMMIT. In the worker the fsync overlaps the next requests' signing and parsing.
 * Durability is unchanged: a caller is answered only after the worker's COMMIT returned.
 *
 * Hand-written because no library does this for better-sqlite3: it is a thin request/reply
 * channel (one message per batch), started on the first write so short-lived CLI processes and
 * read-only uses never pay for a thread.
 */
import { Worker } from 'node:worker_threads';
import type { UnitResult, UnitWriter, WriteUnit } from './batch-writer.js';
import { compiledModuleUrl } from '../paths.js';

export interface WriterStep {
  sql: string;
  parameters: readonly unknown[];
  expect?: number;
}

export interface WriterRequest {
  id: number;
  units: WriterStep[][];
}

export type UnitOutcome = { ok: true; changed: number[]; rows: unknown[][] } | { ok: false; failedAt: number };

export type WriterReply = { id: number; outcomes: UnitOutcome[] } | { id: number; error: { message: string; code?: string; name: string } };

// Under tsx (tests, `npm run dev`) this module is TypeScript and so is its worker. Node 20 does
// not carry tsx's loader into worker threads, so the worker is then started through a one-line
// bootstrap that registers tsx first.
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = fromSource ? new URL('./sqlite-writer-worker.ts', import.meta.url) : compiledModuleUrl('store/sqlite-writer-worker.js');

// The thread only binds parameters and runs statements: a small heap is plenty (keeps RSS down).
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };

function spawnWorker(file: string, busyTimeoutMs: number): Worker {
  const workerData = { file, busyTimeoutMs };
  if (!fromSource) return new Worker(WORKER_URL, { workerData, resourceLimits: RESOURCE_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits: RESOURCE_LIMITS });
}

export class SqliteWriter {
  private worker: Worker | undefined;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (outcomes: UnitResult[]) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
  ) {}

  readonly write: UnitWriter = (units: readonly WriteUnit[]) =>
    new Promise<UnitResult[]>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the store was closed'));
        return;
      }
      const worker = this.start();
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      // A pending write keeps the process alive; an idle writer does not.
      if (this.pending.size === 1) worker.ref();
      const request: WriterRequest = {
        id,
        units: units.map((unit) =>
          unit.map((s) => ({ sql: s.query.sql, parameters: s.query.parameters, ...(s.expect !== undefined && { expect: s.expect }) })),
        ),
      };
      worker.postMessage(request);
    });

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
    this.failAll(new Error('the store was closed'));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker(this.file, this.busyTimeoutMs);
    w.unref();
    w.on('message', (m: WriterReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if ('error' in m)
        p.reject(Object.assign(new Error(m.error.message), { name: m.error.name, ...(m.error.code && { code: m.error.code }) }));
      else p.resolve(m.outcomes as UnitResult[]);
    });
    // A thread that fails ('error', then 'exit') fails what it was given, once, as a store fault
    // (503, Retry-After); the next write starts a new thread. Its exit after close() is expected.
    const lost = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(Object.assign(new Error(`the store's writer thread stopped: ${why}`), { code: 'SQLITE_IOERR_WRITER' }));
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`exit ${code}`));
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
