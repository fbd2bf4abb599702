/**
 * REDIS_URL is set but Redis is not there: the service fails OPEN (requests are served without a
 * rate limit; see src/http/shared-rate-limit.ts for why), answers promptly, and reports the
 * shared store down in /metrics. Needs no Redis: it points at a port where nothing listens.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { freePort } from '../helpers/spawn-server.js';

describe('rate limits with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
  });
  afterAll(() => t.close());

  it('serves requests without a limit (fail-open) and reports the rate-limit store down', async () => {
    const key = await t.apiKey('issuer', { rateLimit: 3 });
    const started = Date.now();
    for (let i = 0; i < 6; i++) {
      const r = await t.app.inject({ method: 'GET', url: '/v1/credentials?limit=1', headers: { authorization: `Bearer ${key}` } });
      assert.equal(r.statusCode, 200, r.body);
    }
    assert.ok(Date.now() - started < 5000, 'a dead Redis must not stall requests');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /^dproof_rate_limit_store_up 0$/m);
    assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'Redis is not needed to be ready');
  });
});
