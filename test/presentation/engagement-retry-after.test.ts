/**
 * The Retry-After of an engagement wait that is not held follows the per-token limit
 * (RATE_LIMIT_PER_REFERENCE_PER_MINUTE): a wallet that waits it out between asks stays under the
 * limit that counts its wait token, whatever the operator set it to.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { DEFAULT_WAIT_CAPS, retryAfterFor } from '../../src/presentation/engagement/held-waits.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

it('is 60 / limit seconds and one more, never under the default 3 s; 3 s without a limit', () => {
  assert.equal(DEFAULT_WAIT_CAPS.retryAfterSeconds, 3);
  for (const [limit, seconds] of [
    [0, 3],
    [30, 3],
    [120, 3],
    [20, 4],
    [10, 7],
    [7, 10],
  ] as const)
    assert.equal(retryAfterFor(limit), seconds, `${limit}/min`);
  for (const limit of [1, 2, 5, 6, 10, 20, 29, 30, 59, 600]) assert.ok(60 / retryAfterFor(limit) < limit, `${limit}/min`);
});

describe('the service’s own bounds, with 10 asks a minute per wait token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '10', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' } });
  });
  afterAll(() => t?.close());

  it('answers the wait past a token’s two held ones at once, waiting with Retry-After: 7', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/wallet/engagements' });
    assert.equal(created.statusCode, 201, created.body);
    const { wait_token } = created.json<{ wait_token: string }>();
    // Three at once: whichever comes last finds the token's two places taken (held for 1 s).
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        t.app.inject({ url: '/v1/wallet/engagements/request?wait=1', headers: { authorization: `Bearer ${wait_token}` } }),
      ),
    );
    for (const a of answers) assert.equal(a.json<{ status: string }>().status, 'waiting', a.body);
    assert.deepEqual(answers.map((a) => a.headers['retry-after'] ?? null).sort(), ['7', null, null]);
  });
});
