/**
 * JSON that parses but does not say what it writes is refused before a route reads it (RFC 7493,
 * I-JSON): a number out of a double's range (1e309 reads as Infinity; 1e-400 as 0, and a client's
 * `rate_limit` of 0 means unlimited) and an escaped lone surrogate (no character; a strict wallet's
 * parser refuses the request object a DCQL query carrying one is signed into). And a DCQL query
 * whose strings carry bidirectional, format or separator characters is refused at its pointer.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { jsonShapeFault } from '../../src/formats/jose/json-shape.js';

const hasUnrepresentableNumber = (text: string) => jsonShapeFault(text, { maxDepth: 8 }) === 'unrepresentable_number';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('numbers a double cannot hold', () => {
  it('finds overflow and underflow to 0 outside strings, and nothing else', () => {
    for (const text of [
      '{"a":1e-400}',
      '[1e309]',
      '{"a":-1E+400}',
      `[0.${'0'.repeat(330)}1]`,
      `[${'9'.repeat(400)}]`,
      '{"x":"e123","a":[2.5e-999]}',
    ])
      assert.equal(hasUnrepresentableNumber(text), true, text.slice(0, 60));
    for (const text of [
      '{"a":0e-400}',
      '[0.0]',
      '[1e-300]',
      '[1.7e308]',
      '{"a":"1e-400"}',
      '{"a":"\\"1e999"}',
      `{"p":"${'e123'.repeat(5000)}"}`,
      `[0.${'0'.repeat(330)}]`,
    ])
      assert.equal(hasUnrepresentableNumber(text), false, text.slice(0, 60));
  });
});

describe('JSON values refused at the door', () => {
  let t: TestApp;
  let admin: string;
  let verifier: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    admin = await t.apiKey('admin');
    verifier = await t.apiKey('verifier');
  });
  afterAll(() => t.close());

  const post = (url: string, key: string, body: string) =>
    t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: body });
  const clientCount = async () =>
    (await t.app.inject({ url: '/v1/admin/clients', headers: { authorization: `Bearer ${admin}` } })).json<unknown[]>().length;

  it('refuses a rate limit of 1e-400 (it read as 0, unlimited) and of 1e309, and stores nothing', async () => {
    const before = await clientCount();
    for (const limit of ['1e-400', '1e309', `0.${'0'.repeat(400)}1`]) {
      const res = await post('/v1/admin/clients', admin, `{"name":"underflow","role":"verifier","rate_limit":${limit}}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ code: string }>().code, 'json_number_unrepresentable');
    }
    assert.equal(await clientCount(), before);
  });

  it('refuses an escaped lone surrogate in a value or a name, and takes a surrogate pair', async () => {
    for (const body of [
      '{"name":"a\\ud800b","role":"verifier"}',
      '{"name":"x","role":"verifier","\\udc00":1}',
      '{"name":"\\ude00\\ud83d","role":"verifier"}',
    ]) {
      const res = await post('/v1/admin/clients', admin, body);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ code: string }>().code, 'body_not_utf8', body);
    }
    const pair = await post('/v1/admin/clients', admin, '{"name":"\\ud83d\\ude00 verifier","role":"verifier"}');
    assert.equal(pair.statusCode, 201, pair.body);
  });

  it('refuses DCQL strings with bidirectional, format or separator characters at their pointer', async () => {
    const vct = t.runtime.catalog.get('driver-license')!.vct;
    for (const [credential, pointer] of [
      [{ id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [`${vct}\u202e`] } }, '/dcql_query/credentials/0/meta/vct_values/0'],
      [
        { id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, claims: [{ path: ['age\u2028over'] }] },
        '/dcql_query/credentials/0/claims/0/path/0',
      ],
      [{ id: 'a', format: 'dc+sd-jwt', meta: { vct_values: [vct], 'x\u200b': 1 } }, '/dcql_query/credentials/0/meta/x\u200b'],
    ] as const) {
      const res = await post('/v1/verifier/requests', verifier, JSON.stringify({ dcql_query: { credentials: [credential] } }));
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<{ code: string; errors: { pointer: string }[] }>();
      assert.equal(body.code, 'invalid_dcql_query');
      assert.equal(body.errors[0]?.pointer, pointer);
    }
  });
});
