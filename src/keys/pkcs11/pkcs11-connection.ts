/**
 * The main thread's side of the PKCS#11 module: every call goes to the module thread
 * (pkcs11-worker.ts) and is bounded by PKCS11_TIMEOUT_MS, so neither the event loop nor a request
 * ever waits on a module that stopped answering. pkcs11js has no asynchronous C_OpenSession,
 * C_Login, C_FindObjects or C_SignInit, and a thread blocked in one cannot be interrupted, so a
 * call that is not answered in time gives 503 `signer_unavailable`, and its thread is given up on
 * (terminated: it ends once the module lets go of it). A new thread, with a fresh connection,
 * is started only after that one has ended, so that two threads are never inside the module while
 * one of them finalises it; meanwhile every call answers 503 at once and /readyz is red. When the
 * module answers again, the next call or /readyz probe reconnects: no restart.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Pkcs11Config } from '../../config.js';
import { Pkcs11KeyError } from './pkcs11-faults.js';
import { Pkcs11StartError, Pkcs11TimeoutError, signerUnavailable } from './pkcs11-faults.js';
import type { WorkerData, WorkerMessage, WorkerRequest } from './pkcs11-worker.js';
import { compiledModuleUrl } from '../../paths.js';
import type { Clock } from '../../clock.js';

/** After a thread was given up on or lost, the least time before the next one is started. */
const RESPAWN_EVERY_MS = 1000;
/** Longest a new thread may take to load (before it touches the module; slow under tsx). */
const THREAD_START_MS = 30_000;
/** How long /readyz trusts the last token probe. */
const PROBE_EVERY_MS = 1000;

// Under tsx (tests, `npm run dev`) this module is TypeScript and so is its worker; Node 20 does
// not carry tsx's loader into worker threads, so it is registered first (as in sqlite-writer.ts).
const fromSource = import.meta.url.endsWith('.ts');
const WORKER_URL = fromSource ? new URL('./pkcs11-worker.ts', import.meta.url) : compiledModuleUrl('keys/pkcs11/pkcs11-worker.js');
// The thread only passes bytes to and from the module: a small heap is plenty.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 32 };

function spawnWorker(data: WorkerData): Worker {
  if (!fromSource) return new Worker(WORKER_URL, { workerData: data, resourceLimits: RESOURCE_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, resourceLimits: RESOURCE_LIMITS });
}

/** Resolves when the thread has loaded and said hello; a thread that cannot load is a module fault. */
function started(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Pkcs11TimeoutError('thread start', THREAD_START_MS)), THREAD_START_MS);
    const hello = (m: WorkerMessage) => {
      if (!('hello' in m)) return;
      clearTimeout(timer);
      w.off('message', hello);
      resolve();
    };
    w.on('message', hello);
    w.once('exit', () => {
      clearTimeout(timer);
      reject(new Error('the PKCS#11 module thread stopped while loading'));
    });
  });
}

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  worker: Worker;
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Pkcs11Connection {
  private worker: Worker | undefined;
  /** Resolves once the current thread is connected and logged in. */
  private ready: Promise<Worker> | undefined;
  /** A thread given up on that has not ended yet (still inside the module). */
  private stuck: Worker | undefined;
  private hadStuck = false;
  private everOpened = false;
  private nextSpawn = 0;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private moduleState: 'ok' | 'unavailable' = 'unavailable';
  private lastProbe = 0;
  private probing = false;
  private closed = false;
  /** Mechanisms (CKM_*) the token offers; known once `opened` has resolved. */
  mechanisms = new Set<number>();
  /** The first connection: rejects with Pkcs11StartError (naming the variable to fix). */
  readonly opened: Promise<void>;

  /** `clock` times the probe's cache and the respawn pause, so tests step past them instead of sleeping. */
  constructor(
    private readonly opts: Pkcs11Config,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
    private readonly clock: Clock,
  ) {
    this.opened = this.thread().then(() => undefined);
    this.opened.catch(() => undefined); // awaited by the key store; never an unhandled rejection
  }

  /** Sends one request to the module thread; module faults and time-outs become 503 signer_unavailable. */
  async call<T>(request: Request, what: string): Promise<T> {
    const w = await this.thread();
    try {
      const value = (await this.send(w, request, what)) as T;
      this.moduleState = 'ok';
      return value;
    } catch (e) {
      if (e instanceof Pkcs11TimeoutError) throw signerUnavailable();
      throw e;
    }
  }

  /** For /readyz, without waiting: the last probe's answer; probes the token at most once a second. */
  health(): 'ok' | 'unavailable' {
    if (this.closed) return 'unavailable';
    if (!this.worker) {
      this.thread().catch(() => undefined); // starts a new thread when it may
      return 'unavailable';
    }
    const now = this.clock.now();
    if (!this.probing && now - this.lastProbe >= PROBE_EVERY_MS) {
      this.lastProbe = now;
      this.probing = true;
      this.call<'ok' | 'unavailable'>({ op: 'health' }, 'token probe')
        .then((s) => (this.moduleState = s), () => (this.moduleState = 'unavailable'))
        .finally(() => (this.probing = false));
    }
    return this.moduleState;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) {
      await this.send(w, { op: 'close' }, 'close').catch(() => undefined);
      void w.terminate();
    }
    this.failPending(undefined);
  }

  /** The connected thread, started if needed; 503 at once while a stuck thread has not ended. */
  private thread(): Promise<Worker> {
    if (this.ready) return this.ready;
    if (this.closed || this.stuck || this.clock.now() < this.nextSpawn) return Promise.reject(signerUnavailable());
    const w = spawnWorker({ config: this.opts, closeStale: this.hadStuck });
    w.unref();
    w.on('message', (m: WorkerMessage) => this.onMessage(m));
    w.on('error', (e) => this.lost(w, e.message));
    w.on('exit', () => {
      if (this.stuck === w) this.stuck = undefined;
      this.lost(w, 'exited');
    });
    this.worker = w;
    const first = !this.everOpened;
    this.ready = started(w).then(() => this.send(w, { op: 'open' }, 'connection')).then(
      (mechanisms) => {
        this.mechanisms = new Set(mechanisms as number[]);
        this.moduleState = 'ok';
        if (!first) this.logger.info({ token: this.opts.tokenLabel ?? this.opts.slot }, 'PKCS#11 module connected again');
        this.everOpened = true;
        return w;
      },
      (e: unknown) => {
        this.drop(w);
        if (this.stuck !== w) void w.terminate();
        if (first && e instanceof Pkcs11StartError) throw e;
        if (first && e instanceof Pkcs11TimeoutError) throw new Pkcs11StartError(`PKCS11_MODULE: ${this.opts.module} did not answer within ${this.opts.timeoutMs} ms while connecting (PKCS11_TIMEOUT_MS)`);
        this.logger.warn({ reason: e instanceof Error ? e.message : 'unknown' }, 'PKCS#11 module still unavailable');
        throw signerUnavailable();
      },
    );
    return this.ready;
  }

  private send(w: Worker, request: Request, what: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Pkcs11TimeoutError(what, this.opts.timeoutMs));
        this.giveUp(w, what);
      }, this.opts.timeoutMs);
      this.pending.set(id, { worker: w, resolve, reject, timer });
      w.ref(); // a pending call keeps the process alive; an idle thread does not
      w.postMessage({ ...request, id });
    });
  }

  private onMessage(m: WorkerMessage): void {
    if ('hello' in m) return;
    if ('log' in m) {
      this.logger[m.log](m.fields, m.message);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return; // answered after its time limit
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    // A thread given up has its requests failed and removed (failPending), so what is still
    // pending belongs to this thread: idle once none is left, it must not hold the process open.
    if (this.pending.size === 0) p.worker.unref();
    if (m.ok) return p.resolve(m.value);
    if (m.kind === 'unavailable') this.moduleState = 'unavailable';
    p.reject(
      m.kind === 'start' ? new Pkcs11StartError(m.message)
        : m.kind === 'key' ? new Pkcs11KeyError(undefined, m.message)
          : m.kind === 'unavailable' ? signerUnavailable()
            : new Error(m.message),
    );
  }

  /** A call was not answered in time: the module counts as unavailable and its thread is let go. */
  private giveUp(w: Worker, what: string): void {
    if (this.worker !== w) return;
    this.logger.warn({ during: what, timeoutMs: this.opts.timeoutMs }, 'PKCS#11 module did not answer in time; 503 until it answers again');
    this.stuck = w;
    this.hadStuck = true;
    this.drop(w);
    // Takes effect once the thread is back from the module; its 'exit' clears `stuck`.
    void w.terminate();
  }

  /** The thread ended or failed on its own (not through close()). */
  private lost(w: Worker, why: string): void {
    if (this.worker !== w) return;
    if (!this.closed) this.logger.warn({ reason: why }, 'PKCS#11 module thread stopped');
    this.drop(w);
  }

  private drop(w: Worker): void {
    if (this.worker === w) {
      this.worker = undefined;
      this.ready = undefined;
      this.nextSpawn = this.clock.now() + RESPAWN_EVERY_MS;
    }
    this.moduleState = 'unavailable';
    this.failPending(w);
  }

  private failPending(w: Worker | undefined): void {
    for (const [id, p] of this.pending) {
      if (w !== undefined && p.worker !== w) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(signerUnavailable());
    }
  }
}
