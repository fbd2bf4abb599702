/**
 * WORKERS > 1: this process becomes node:cluster's primary. It prepares the store once
 * (migrations, first key), marks an embedded store as held (its pid in DATA_DIR/server.pid, so
 * `dproof db migrate` refuses while any worker runs), then forks the workers. Each worker is a
 * whole server (src/server.ts) listening on the same port; the primary hands it connections in
 * turn (node's round-robin scheduling) and serves no request itself.
 *
 * What the workers share is what several nodes share: the store (on SQLite one file in WAL
 * mode: every write transaction is BEGIN IMMEDIATE, so the workers' writer threads take the
 * file's write lock in turn, waiting up to busy_timeout; each still commits with
 * synchronous=FULL before it answers) and, with REDIS_URL, the rate-limit counters. Caches
 * (clients for a second, keys until the next refresh, status list tokens, offer QRs) are per
 * process, as they are per node.
 *
 * A worker that dies after it was listening is replaced (up to 10 a minute; more is a crash
 * loop and stops the cluster); one that dies before it ever listened (a bad key file, a port
 * taken) stops the whole cluster with exit code 1, as a single server would. SIGTERM / SIGINT are passed to every worker, which finish their in-flight requests;
 * the primary exits when the last one has.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { prepareStore } from '../boot.js';
import { markStoreHeld, refuseHeldStore, releaseStore } from '../store/server-lock.js';

export interface ClusterOptions {
  /** The worker's entry module (src/server.ts, compiled): it starts a server when cluster.isWorker. */
  exec: string;
  /** Where the one line for a person goes (stderr). */
  say: (line: string) => void;
}

/** More replacements than this within a minute is a crash loop: the cluster stops instead. */
const MAX_RESTARTS_PER_MINUTE = 10;

export async function runCluster(config: Config, logger: Logger, opts: ClusterOptions): Promise<void> {
  if (!config.databaseUrl) refuseHeldStore(config.dataDir);
  await prepareStore(config, logger);
  const pidFile = config.databaseUrl ? undefined : markStoreHeld(config.dataDir);
  if (!config.redisUrl) {
    logger.warn(
      { workers: config.workers },
      'WORKERS without REDIS_URL: each worker counts its own rate limits (up to WORKERS times each limit)',
    );
  }
  cluster.setupPrimary({ exec: opts.exec });

  let stopping = false;
  let exitCode = 0;
  const listened = new WeakSet<Worker>();
  const restarts: number[] = [];

  const stopAll = (code: number) => {
    if (!stopping) exitCode = code;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };

  const fork = () => {
    const w = cluster.fork();
    w.once('listening', () => listened.add(w));
    w.once('exit', (code, signal) => {
      if (stopping) return;
      const why = signal ? `signal ${signal}` : `code ${code}`;
      if (!listened.has(w)) {
        opts.say(`digital-proof worker ${w.process.pid} stopped before it listened (${why}): stopping the cluster`);
        stopAll(1);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while ((restarts[0] ?? now) < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        opts.say(`digital-proof workers keep dying (${restarts.length} in a minute, the last with ${why}): stopping the cluster`);
        stopAll(1);
        return;
      }
      logger.error({ worker: w.process.pid, code, signal }, 'a worker died; starting another');
      fork();
    });
  };
  for (let i = 0; i < config.workers; i++) fork();

  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === config.workers) opts.say(`digital-proof cluster: ${config.workers} workers on port ${config.port}`);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopAll(0));

  // Resolves when every worker has exited (after a signal, or after a failed start).
  await new Promise<void>((resolve) => {
    const check = () => {
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve();
    };
    cluster.on('exit', () => setImmediate(check));
    cluster.on('disconnect', () => setImmediate(check));
  });
  if (pidFile) releaseStore(pidFile);
  process.exitCode = exitCode;
}
