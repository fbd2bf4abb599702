/**
 * The nonce endpoint carries the OpenID4VCI housekeeping (purge-expired-vci-state.ts) along; a
 * purge that fails for a reason other than a store outage (a bug: here, a table it needs is gone)
 * is logged at error level and the wallet still gets its c_nonce.
 */
import { afterAll, beforeAll, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { logSink } from '../helpers/log-sink.js';

let t: TestApp;
const logs = logSink();
beforeAll(async () => {
  t = await startTestApp({ logDestination: logs.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
});
afterAll(() => t.close());

it('answers the nonce and logs the failed purge when the purge breaks for another reason than the store being away', async () => {
  await sql`DROP TABLE vci_refresh_tokens`.execute(t.runtime.store.db);
  t.clock.advance(61_000);
  const res = await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.json<{ c_nonce: string }>().c_nonce, /^[A-Za-z0-9_-]{20,}$/);
  await new Promise((r) => setImmediate(r));
  const line = logs.lines().find((l) => l.includes('purging expired OpenID4VCI state failed'));
  assert.ok(line, logs.text().slice(-1500));
  assert.equal((JSON.parse(line) as { level: number }).level, 50, 'logged as an error');
});
