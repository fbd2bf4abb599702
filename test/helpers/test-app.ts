import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/boot.js';
import { buildApp } from '../../src/app.js';
import type { HeldWaits } from '../../src/presentation/engagement/held-waits.js';
import { createLogger } from '../../src/http/logger.js';
import { createClient } from '../../src/clients/manage-clients.js';
import { makeStoreTarget, type StoreTarget } from './stores.js';
import { freePort } from './spawn-server.js';
import { shiftedClock, type ShiftedClock } from './shifted-clock.js';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  config: Config;
  target: StoreTarget;
  /** The runtime's clock: advance it to get past a time window instead of sleeping. */
  clock: ShiftedClock;
  /** Base URL when started with `listen: true` (the listening origin; PUBLIC_URL may add a path). */
  url: string;
  apiKey(role: 'issuer' | 'verifier' | 'admin', opts?: { rateLimit?: number | null; types?: string[] }): Promise<string>;
  close(): Promise<void>;
}

/** A real app on a real store (SQLite or PostgreSQL), optionally listening on a random port. */
export async function startTestApp(
  opts: {
    store?: 'sqlite' | 'postgres';
    env?: Record<string, string>;
    listen?: boolean;
    logDestination?: DestinationStream;
    /** The runtime's clock (default: the system time, shifted by what the test advances). */
    clock?: ShiftedClock;
    /** With `listen: true`, a path for PUBLIC_URL (`/dp` → `http://127.0.0.1:<port>/dp`). */
    publicPath?: string;
    /** The bounds on held engagement waits (default: DEFAULT_WAIT_CAPS); a test keeps it to read its `counts`. */
    heldWaits?: HeldWaits;
  } = {},
): Promise<TestApp> {
  const target = await makeStoreTarget(opts.store ?? 'sqlite');
  // A listening app gets its port first, so PUBLIC_URL (issuer, status list URIs) points at it.
  const port = opts.listen ? await freePort() : 0;
  const config = loadConfig({
    ...target.env,
    PORT: String(port),
    ...(opts.listen && { PUBLIC_URL: `http://127.0.0.1:${port}${opts.publicPath ?? ''}` }),
    ...opts.env,
  });
  const logger = createLogger(opts.logDestination ? 'info' : 'silent', opts.logDestination);
  const clock = opts.clock ?? shiftedClock();
  const runtime = await openRuntime(config, logger, clock);
  const app = await buildApp(runtime, logger, { heldWaits: opts.heldWaits });
  let url = '';
  if (opts.listen) {
    url = await app.listen({ port, host: '127.0.0.1' });
  } else {
    await app.ready();
  }
  return {
    app,
    runtime,
    config,
    target,
    clock,
    url,
    apiKey: async (role, o = {}) =>
      (
        await createClient(
          { store: runtime.store, clock: runtime.clock, actor: 'test', catalog: runtime.catalog },
          { name: `test ${role}`, role, rateLimit: 'rateLimit' in o ? (o.rateLimit ?? null) : 0, types: o.types ?? null },
        )
      ).apiKey,
    close: async () => {
      await app.close();
      await runtime.close();
      await target.cleanup();
    },
  };
}
