/**
 * The wallet-facing limits (per offer, code, token, request; per address) count in Redis when
 * REDIS_URL is set, so they hold across nodes, and the counter keys never hold the secret itself.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(redisUrl ? false : 'TEST_REDIS_URL is not set (.ci/run sets it)')(
  'wallet-facing rate limits across two nodes (Redis)',
  () => {
    let a: TestApp;
    let b: TestApp;
    let redis: Redis;
    // Per-address off: other suites share this Redis and the loopback address.
    const env = { REDIS_URL: redisUrl ?? '', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '3', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' };
    beforeAll(async () => {
      a = await startTestApp({ env });
      b = await startTestApp({ env });
      redis = new Redis(redisUrl ?? '');
      // Both nodes must be connected before counting (the limiter fails open while connecting).
      for (const t of [a, b]) {
        for (
          let i = 0;
          i < 50 && !/^dproof_rate_limit_store_up 1$/m.test((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
          i++
        )
          await new Promise((r) => setTimeout(r, 100));
      }
    });
    afterAll(async () => {
      redis?.disconnect();
      await a?.close();
      await b?.close();
    });

    it('holds one offer reference to its limit whichever node answers, and keeps the reference out of Redis', async () => {
      const ref = randomBytes(32).toString('base64url');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const node = i % 2 === 0 ? a : b;
        statuses.push((await node.app.inject({ method: 'GET', url: `/openid4vci/credential-offer/${ref}` })).statusCode);
      }
      assert.deepEqual(statuses, [404, 404, 404, 429, 429, 429]);
      const keys = await redis.keys('dproof-rl:*');
      assert.ok(
        keys.some((k) => k.includes('offer:')),
        `no offer counter in ${keys.length} keys`,
      );
      assert.ok(!keys.some((k) => k.includes(ref)), 'a counter key holds the offer reference');
    });

    it('holds one access token to its limit across nodes on the credential endpoint', async () => {
      const token = randomBytes(32).toString('base64url');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const node = i % 2 === 0 ? b : a;
        statuses.push(
          (
            await node.app.inject({
              method: 'POST',
              url: '/openid4vci/credential',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              payload: '{}',
            })
          ).statusCode,
        );
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    });
  },
);
