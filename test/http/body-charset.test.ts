/**
 * A body that declares a charset other than UTF-8 is refused (415, or the token endpoint's own
 * OAuth code) before it is read, whatever its bytes: EUC-KR "홍" (C8 AB) is also valid UTF-8 ("ȫ")
 * and was stored garbled. UTF-8, in any spelling, or no charset is read as before.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('the charset a body declares', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  const createClient = (contentType: string, body: Buffer) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
      payload: body,
    });
  const clients = async () =>
    (await t.app.inject({ url: '/v1/admin/clients', headers: { authorization: `Bearer ${admin}` } })).json<{ name: string }[]>();

  it('refuses JSON declared in another charset and stores nothing', async () => {
    const before = (await clients()).length;
    const eucKr = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc8, 0xab]), Buffer.from('","role":"verifier"}')]);
    for (const type of ['application/json; charset=euc-kr', 'application/json;charset="ISO-8859-1"', 'application/json; CHARSET=cp949']) {
      const res = await createClient(type, eucKr);
      assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
      assert.equal(res.json<{ code: string }>().code, 'unsupported_media_type');
    }
    assert.equal((await clients()).length, before);
  });

  it('reads UTF-8 however it is spelt, and no charset', async () => {
    for (const [i, type] of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json;charset=utf8',
    ].entries()) {
      const res = await createClient(type, Buffer.from(JSON.stringify({ name: `홍길동 ${i}`, role: 'verifier' })));
      assert.equal(res.statusCode, 201, `${type}: ${res.body}`);
    }
    assert.ok((await clients()).some((c) => c.name === '홍길동 3'));
  });

  it('lets a request without a body through, whatever charset its Content-Type names', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'content-type': 'application/json; charset=euc-kr' } });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('refuses a token request form declared in another charset with the endpoint’s own code', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=euc-kr' },
      payload: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=x',
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json<{ error: string }>().error, 'invalid_request');
    assert.match(res.json<{ error_description: string }>().error_description, /UTF-8/);
  });
});
