import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from './http/logger.js';
import { openRuntime } from './boot.js';
import { markStoreHeld, refuseHeldStore, releaseStore } from './store/server-lock.js';

export async function startServer(config: Config): Promise<{ app: FastifyInstance; stop: () => Promise<void> }> {
  const logger = createLogger(config.logLevel);
  // Loaded here, not at the top: a cluster's primary (WORKERS > 1) never builds the app, and the
  // routes, Fastify and the OpenAPI plugins were most of its start-up (about 1.4 s of 2.5 s to import).
  // Asked for before the runtime opens: the code loads while the key files' scrypt runs in the
  // thread pool. A runtime that fails to open still fails the start (the loaded code is unused).
  const code = Promise.all([import('./app.js'), import('./http/openapi.js')]);
  code.catch(() => undefined); // awaited below; not an unhandled rejection if openRuntime throws first
  // Before the store is opened or migrated: one server per embedded store (a cluster's primary
  // checked for its workers).
  const worker = await isClusterWorker(config);
  if (!config.databaseUrl && !worker) refuseHeldStore(config.dataDir);
  const runtime = await openRuntime(config, logger);
  const [{ buildApp }, { DOCS_PATH }] = await code;
  const app = await buildApp(runtime, logger);
  await app.listen({ port: config.port, host: config.host });
  // In a cluster (WORKERS > 1) the primary holds the embedded store for all its workers.
  const pidFile = runtime.store.dialect === 'sqlite' && !worker ? markStoreHeld(config.dataDir) : undefined;

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stderr.write(
    `digital-proof listening on ${config.tls ? 'https' : 'http'}://${config.host}:${port} (public URL ${config.publicUrl}, ${runtime.store.dialect} store at ${runtime.store.location})\n` +
      `API docs: ${config.publicUrl}${DOCS_PATH}\n`,
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting, let in-flight requests finish, then close the store.
      await app.close();
      await runtime.close();
      if (pidFile) releaseStore(pidFile);
    })());
  return { app, stop };
}

/**
 * node:cluster is loaded only when WORKERS > 1: loading it (and node:child_process behind it) was
 * a tenth of a single server's cold start. Without it, this process is no cluster's worker.
 */
const loadCluster = async (config: Config) => (config.workers > 1 ? (await import('node:cluster')).default : undefined);
const isClusterWorker = async (config: Config) => (await loadCluster(config))?.isWorker === true;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // The first line a person sees: where to look. The JSON log lines that follow are for machines.
  const cluster = await loadCluster(config);
  if (!cluster?.isWorker) {
    process.stderr.write(
      `digital-proof starting on ${config.tls ? 'https' : 'http'}://${config.host}:${config.port} (public URL ${config.publicUrl})${config.workers > 1 ? ` with ${config.workers} worker processes` : ''}\n`,
    );
  }
  if (cluster?.isPrimary) {
    try {
      const { runCluster } = await import('./cluster/run-cluster.js');
      await runCluster(config, createLogger(config.logLevel), {
        exec: fileURLToPath(import.meta.url),
        say: (line) => process.stderr.write(`${line}\n`),
      });
    } catch (e) {
      process.stderr.write(`digital-proof cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
    return;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (e) {
    process.stderr.write(`digital-proof cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.stop().then(
        () => process.exit(0),
        (e: unknown) => {
          process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

// Also the entry of every cluster worker (cluster.setupPrimary's exec is this file).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
