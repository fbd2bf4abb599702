/**
 * A peer's metadata (an issuer's jwt-vc-issuer document, a JWKS) is read by the same strict scan
 * as every JSON that enters: one member twice, `__proto__`, and a number out of a double's range
 * are refused, each saying which; ordinary metadata is read.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fetchJsonObject, FetchFailed } from '../../src/verification/fetch-json.js';

const serving = (text: string) => async (): Promise<Response> =>
  new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });

test('refuses what the strict JSON rules refuse, saying which, and reads ordinary metadata', async () => {
  for (const [text, said] of [
    ['{"issuer":"https://a.example","issuer":"https://b.example"}', /twice/],
    ['{"__proto__":{"x":1}}', /__proto__/],
    ['{"issuer":"https://a.example","keys":[{"n":1e400}]}', /out of range/],
  ] as const) {
    await assert.rejects(fetchJsonObject(serving(text), 'https://peer.example/.well-known/jwt-vc-issuer'), (e: unknown) => {
      assert.ok(e instanceof FetchFailed, String(e));
      assert.match(e.message, said);
      return true;
    });
  }
  assert.deepEqual(await fetchJsonObject(serving('{"issuer":"https://a.example","n":1.5e300}'), 'https://peer.example/x'), {
    issuer: 'https://a.example',
    n: 1.5e300,
  });
});
