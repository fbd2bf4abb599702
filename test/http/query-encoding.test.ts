/**
 * A query string whose percent-encoding is malformed, or encodes bytes that are not UTF-8, is
 * refused with 400 bad_url on every route, as the same bytes in a path are: never read as some
 * other text and answered as if the caller had asked for it (`?type=%ff` → 200, 0 items).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { fillPath, operationCaller } from '../helpers/openapi-operations.js';
import { rowCount } from '../helpers/row-count.js';
import { errorEntry } from '../../src/errors.js';
import { refuseBadQueryEncoding } from '../../src/http/query-encoding.js';

const MALFORMED: [string, string][] = [
  ['a byte that starts no UTF-8 sequence', 'type=%ff'],
  ['a lone %', 'type=%'],
  ['% and two letters that are not hex', 'type=%zz'],
  ['% and one hex digit', 'type=%4'],
  ['a UTF-8 sequence cut short', 'type=%E0%A4%A'],
  ['a UTF-8 sequence missing its last byte', 'type=%E0%A4'],
  ['an overlong encoding of /', 'type=%C0%AF'],
  ['an encoded surrogate', 'type=%ED%A0%80'],
  ['a malformed % in a later parameter', 'limit=5&type=resident-id&x=%2'],
  ['a malformed % in a parameter name', '%zz=1'],
];

describe('a query string with malformed percent-encoding', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
    });
    issuer = `Bearer ${await t.apiKey('issuer')}`;
  });
  afterAll(() => t.close());

  const problemOf = (res: LightMyRequestResponse) => {
    assert.equal(res.statusCode, 400, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, res.body);
    return res.json<{ code: string; detail: string; status: number }>();
  };
  const list = (query: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `/v1/credentials?${query}`, headers: { authorization: issuer, ...headers } });

  for (const [what, query] of MALFORMED) {
    it(`refuses ${what} (?${query}) with 400 bad_url on an API route and on anonymous ones`, async () => {
      const api = problemOf(await list(query));
      assert.equal(api.code, 'bad_url');
      assert.match(api.detail, /query string is malformed/);
      for (const url of ['/healthz', '/.well-known/jwks.json']) {
        assert.equal(problemOf(await t.app.inject({ method: 'GET', url: `${url}?${query}` })).code, 'bad_url', url);
      }
    });
  }

  it('refuses before anything is stored', async () => {
    const before = await rowCount(t, 'credentials');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials?x=%ff',
      headers: { authorization: issuer },
      payload: { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example },
    });
    assert.equal(problemOf(res).code, 'bad_url');
    assert.equal(await rowCount(t, 'credentials'), before);
  });

  it('says so in Korean to a reader of Korean', async () => {
    const res = await list('type=%ff', { 'accept-language': 'ko' });
    const p = problemOf(res);
    assert.equal(p.code, 'bad_url');
    assert.equal(p.detail, errorEntry('bad_url').ko);
    assert.equal(res.headers['content-language'], 'ko');
  });

  it('is refused on every route of the OpenAPI document, in the shape of the route', { timeout: 60_000 }, async () => {
    const { operations, send } = await operationCaller(t);
    let oauth = 0;
    for (const op of operations) {
      const res = await send(op, { url: `${fillPath(op.path, 'x0000000000000000')}?x=%zz` });
      const what = `${op.method} ${op.path}: ${res.body}`;
      assert.equal(res.statusCode, 400, what);
      const body = res.json<{ code?: string; detail?: string; error?: string; error_description?: string }>();
      if (body.error !== undefined) {
        oauth++;
        // invalid_request, or the endpoint's own word for it (invalid_credential_request, OpenID4VCI §8.3.1.2).
        assert.match(body.error, /^invalid_[a-z_]*request$/, what);
        assert.match(body.error_description ?? '', /query string is malformed/, what);
      } else {
        assert.equal(body.code, 'bad_url', what);
        assert.match(body.detail ?? '', /query string is malformed/, what);
      }
    }
    assert.ok(oauth > 0, 'the OAuth endpoints were reached too');
  });

  it('still serves well-formed queries, decoded', async () => {
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: issuer },
      payload: { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const id = issued.json<{ id: string }>().id;
    const ids = async (query: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/credentials${query}`, headers: { authorization: issuer } });
      assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
      return res.json<{ items: { id: string }[] }>().items.map((x) => x.id);
    };
    assert.ok((await ids('')).includes(id), 'no query');
    assert.ok((await ids('?type=resident%2Did')).includes(id), '%2D is -');
    assert.ok((await ids('?type=%72esident-id&limit=%35')).includes(id), '%72 is r, %35 is 5');
    assert.deepEqual(await ids('?type=%41'), [], '%41 is A');
    assert.deepEqual(await ids('?type=%ED%99%8D'), [], '홍');
    assert.deepEqual(await ids('?type=a+b'), [], '+');
    assert.ok((await ids('?')).includes(id), 'an empty query');
  });
});

describe('refuseBadQueryEncoding', () => {
  it('has nothing to say about a target without a query or without a %', () => {
    for (const url of ['/v1/credentials', '/v1/credentials/%zz', '/x?a=b&c=d+e', '/x?', '/%ff?a=1'])
      assert.equal(refuseBadQueryEncoding(url), undefined, url);
  });
  it('takes well-formed UTF-8 in any case of hex digits', () => {
    for (const url of ['/x?a=%41', '/x?a=%ed%99%8d', '/x?a=%ED%99%8D', '/x?a=%25zz', '/x?a=%F0%9F%98%80', '/x?%20=%2B'])
      assert.equal(refuseBadQueryEncoding(url), undefined, url);
  });
  it('refuses every malformed spelling with bad_url', () => {
    for (const [, query] of MALFORMED) assert.equal(refuseBadQueryEncoding(`/x?${query}`)?.code, 'bad_url', query);
  });
});
