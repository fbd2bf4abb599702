/**
 * An English refusal that quotes what the caller sent (a credential id, a key id) writes a control,
 * format or bidirectional character in it as its escape: `\u202e` would reorder the sentence for
 * whoever reads it in a log viewer or on a page. The Korean sentences quote nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { hasUnsafeCharacters } from '../../src/verdict/unsafe-text.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('caller input quoted in a refusal', () => {
  let t: TestApp;
  let issuer: string;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    issuer = await t.apiKey('issuer');
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  it('is written with escapes for bidirectional, format and control characters, and otherwise as sent', async () => {
    const cases = [
      { url: '/v1/credentials/%E2%80%AE%3Cb%3E', key: issuer, method: 'GET' as const, escaped: '\\u202e<b>' },
      { url: '/v1/admin/keys/a%E2%80%8Bb%C2%85/retire', key: admin, method: 'POST' as const, escaped: 'a\\u200bb\\u0085' },
    ];
    for (const c of cases) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        headers: { authorization: `Bearer ${c.key}` },
        ...(c.method === 'POST' && { payload: {} }),
      });
      assert.equal(res.statusCode, 404, res.body);
      const { detail } = res.json<{ detail: string }>();
      assert.ok(!hasUnsafeCharacters(detail), JSON.stringify(detail));
      assert.ok(detail.includes(c.escaped), JSON.stringify(detail));
    }
    const plain = await t.app.inject({ url: '/v1/credentials/abc', headers: { authorization: `Bearer ${issuer}` } });
    assert.match(plain.json<{ detail: string }>().detail, / abc /);
  });
});
