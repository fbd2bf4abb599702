import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('GET /status/{id} with If-None-Match (RFC 9110 §13.1.2)', () => {
  let t: TestApp;
  let path: string;
  let etag: string;
  beforeAll(async () => {
    t = await startTestApp();
    const type = t.runtime.catalog.get('local-tax-payment');
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${await t.apiKey('issuer')}` },
      payload: { type: 'local-tax-payment', claims: type?.example },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    path = new URL(issued.json().status.list).pathname;
    const first = await t.app.inject({ url: path });
    assert.equal(first.statusCode, 200, first.body);
    etag = String(first.headers.etag);
    assert.match(etag, /^"[^"]+"$/);
  });
  afterAll(() => t.close());

  const get = (ifNoneMatch: string) => t.app.inject({ url: path, headers: { 'if-none-match': ifNoneMatch } });

  for (const [what, header] of [
    ['the exact entity tag', () => etag],
    ['the weak form of the entity tag', () => `W/${etag}`],
    ['`*`', () => '*'],
    ['a list that names the entity tag second', () => `"x", ${etag}`],
    ['a list that names the weak entity tag without spaces', () => `"x",W/${etag}`],
  ] as const) {
    it(`answers 304 with no body for ${what}`, async () => {
      const res = await get(header());
      assert.equal(res.statusCode, 304, res.body);
      assert.equal(res.body, '');
      assert.equal(res.headers.etag, etag);
    });
  }

  for (const [what, header] of [
    ['another entity tag', () => '"x"'],
    ['a list of other entity tags', () => '"x", W/"y"'],
    ['the entity tag without its quotes', () => etag.slice(1, -1)],
  ] as const) {
    it(`serves the token for ${what}`, async () => {
      const res = await get(header());
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/statuslist+jwt');
      assert.equal(res.body.split('.').length, 3);
    });
  }
});
