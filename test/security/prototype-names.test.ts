/**
 * A member or field named after a prototype member (`__proto__`, and in forms `constructor` and
 * `prototype`) is refused wherever JSON or a form enters, before anything is consumed: request
 * bodies, form fields (the token endpoint, OpenID4VP direct_post), the JSON inside a form field
 * (`vp_token`) and token JSON (json-shape.ts, shared by all of them). A found hostile case: a
 * token request with `__proto__=1` redeemed its code, and a direct_post whose vp_token was
 * `{"__proto__":[…]}` finished a live verifier request.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { jsonShapeFault } from '../../src/formats/jose/json-shape.js';
import { parseJsonText } from '../../src/formats/jose/parse-json.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

describe('the JSON shape scan', () => {
  it('finds a member named __proto__ at any depth, also spelt with escapes', () => {
    for (const text of ['{"__proto__":1}', '{"a":[{"b":{"__proto__":{}}}]}', '{"\\u005f_proto__":1}', '{"__proto\\u005f_":null}'])
      assert.equal(jsonShapeFault(text, { maxDepth: 8 }), 'forbidden_name', text);
    // A value, or another name, is not a member named __proto__.
    for (const text of ['{"a":"__proto__"}', '["__proto__"]', '{"__proto":1,"proto__":2}', '{"constructor":1}'])
      assert.equal(jsonShapeFault(text, { maxDepth: 8 }), undefined, text);
    assert.throws(() => parseJsonText('{"alg":"ES256","__proto__":{"alg":"none"}}', 'jws_malformed'), /__proto__/);
  });
});

describe('prototype names at the front door', () => {
  let t: TestApp;
  let issuer: string;
  let verifier: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    issuer = await t.apiKey('issuer');
    verifier = await t.apiKey('verifier');
  });
  afterAll(() => t.close());

  const form = (url: string, body: string) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });

  it('refuses a token request with a __proto__, constructor or prototype field, and the code still redeems', async () => {
    const offer = await t.app.inject({
      method: 'POST',
      url: '/v1/offers',
      headers: { authorization: `Bearer ${issuer}` },
      payload: { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')!.example as object },
    });
    assert.equal(offer.statusCode, 201, offer.body);
    const byRef = await t.app.inject({ url: new URL(offer.json<{ credential_offer_uri: string }>().credential_offer_uri).pathname });
    const code = byRef.json<{ grants: Record<string, { 'pre-authorized_code': string }> }>().grants[PRE_AUTH]!['pre-authorized_code'];
    const good = `grant_type=${encodeURIComponent(PRE_AUTH)}&pre-authorized_code=${code}`;
    for (const extra of ['__proto__=1', 'constructor=1', 'prototype=x', '%5F_proto__=1']) {
      const res = await form('/oauth/token', `${good}&${extra}`);
      assert.equal(res.statusCode, 400, `${extra}: ${res.body}`);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request', extra);
    }
    const token = await form('/oauth/token', good);
    assert.equal(token.statusCode, 200, token.body);
  });

  it('refuses a JSON body naming __proto__ in an escaped spelling', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/offers',
      headers: { authorization: `Bearer ${issuer}`, 'content-type': 'application/json' },
      payload: '{"type":"resident-id","claims":{"\\u005f_proto__":{"x":1}}}',
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json<{ code: string }>().code, 'forbidden_json_key');
  });

  it('refuses a vp_token naming __proto__, twice a member or nested too deep, says which, and leaves the request pending', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/verifier/requests',
      headers: { authorization: `Bearer ${verifier}` },
      payload: {
        dcql_query: {
          credentials: [{ id: 'licence', format: 'dc+sd-jwt', meta: { vct_values: [t.runtime.catalog.get('driver-license')!.vct] } }],
        },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json<{ id: string }>().id;
    const { state } = await t.runtime.store.db
      .selectFrom('verifier_requests')
      .select('state')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    for (const [vpToken, says] of [
      ['{"__proto__":["x"]}', /__proto__/],
      ['{"licence":["x"],"licence":["y"]}', /duplicate/],
      [`${'['.repeat(100)}${']'.repeat(100)}`, /deeper/],
    ] as const) {
      const res = await form('/openid4vp/response', new URLSearchParams({ vp_token: vpToken, state: state as string }).toString());
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<{ error: string; error_description: string }>();
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description, says);
    }
    const read = await t.app.inject({ url: `/v1/verifier/requests/${id}`, headers: { authorization: `Bearer ${verifier}` } });
    assert.equal(read.json<{ status: string }>().status, 'pending', read.body);
  });
});
