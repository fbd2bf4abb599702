/**
 * Where the rate-limit counters live. Without REDIS_URL each node counts in its own memory (a
 * client behind a load balancer with N nodes gets up to N × its limit). With REDIS_URL every node
 * counts in Redis, with @fastify/rate-limit's own atomic Lua script (INCR + PEXPIRE), so a limit
 * holds across nodes.
 *
 * Why Redis and not the database: a counter bump on every authenticated request would be a
 * write (and on SQLite an fsync) on the hot path, competing with issuance; Redis does it in
 * memory in one round trip, and losing the counters (Redis restart) costs nothing but a fresh
 * minute.
 *
 * Redis down → FAIL-OPEN: the request goes on without a limit, and a warning is logged (at most
 * once a minute) and `dproof_rate_limit_store_up` drops to 0. Rate limits here are fairness and
 * abuse limits on authenticated clients; they guard no secret (pre-authorized codes are 256-bit,
 * tx_code attempts are counted in the database, not here). Failing closed would turn a Redis
 * outage into an outage of the whole API. Commands fail fast (no offline queue, 500 ms command
 * timeout), so a dead Redis adds no latency beyond that.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

export interface SharedRateLimit {
  /** Spread into the @fastify/rate-limit options. */
  options: { redis?: Redis; nameSpace?: string; skipOnError?: boolean };
  /** 1 when the shared store is connected (always 1 for per-node memory). */
  up(): number;
}

export function sharedRateLimit(
  app: FastifyInstance,
  redisUrl: string | undefined,
  logger: Pick<Logger, 'warn' | 'info'>,
): SharedRateLimit {
  if (!redisUrl) return { options: {}, up: () => 1 };
  // ioredis is loaded only when REDIS_URL is set (it is ~0.1–0.3 s of a cold start).
  const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    // Keep trying to reconnect, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
  let lastWarned = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastWarned < 60_000) return;
    lastWarned = now;
    logger.warn({ err: { message: err.message } }, 'rate-limit store (Redis) unreachable: requests are not rate limited until it is back');
  });
  redis.on('ready', () => {
    if (lastWarned !== 0) logger.info('rate-limit store (Redis) is back');
    lastWarned = 0;
  });
  app.addHook('onClose', async () => {
    redis.disconnect();
  });
  return {
    options: { redis, nameSpace: 'dproof-rl:', skipOnError: true },
    up: () => (redis.status === 'ready' ? 1 : 0),
  };
}
