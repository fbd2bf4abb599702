/**
 * SECURITY.md "HTTP": body limits (also compressed), prototype-polluting keys, Content-Type
 * spellings, deep nesting, huge disclosure lists and headers, API keys, roles and rate limits.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { InjectOptions } from 'fastify';
import { counter, credentialParts, type SecurityCase } from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';
import type { SecurityFixture } from './support/fixture.js';

const issue = (f: SecurityFixture, payload: string | object, headers: Record<string, string> = {}, key = f.keys.issuer): InjectOptions => ({
  method: 'POST',
  url: '/v1/credentials',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
});
const example = (f: SecurityFixture) => f.t.runtime.catalog.get('driver-license')!.example;
const bodyCase = (
  name: string,
  status: number,
  code: string,
  payload: (f: SecurityFixture) => string | object,
  headers: Record<string, string> = {},
): SecurityCase => ({ name, request: (f) => issue(f, payload(f), headers), status, code });
const auth = (
  name: string,
  status: number,
  code: string,
  authorization: (f: SecurityFixture) => string | Promise<string> | undefined,
  url = '/v1/credentials',
): SecurityCase => ({
  name,
  request: async (f) => {
    const a = await authorization(f);
    return { method: 'GET', url, headers: a === undefined ? {} : { authorization: a } };
  },
  status,
  code,
});

const cases: SecurityCase[] = [
  // Size and compression.
  bodyCase('refuses a body over the limit with 413', 413, 'body_too_large', (f) => ({
    type: 'driver-license',
    claims: { ...example(f), pad: 'x'.repeat(1_100_000) },
  })),
  bodyCase(
    'refuses a gzip body that would inflate past the limit, without inflating it (415 from its headers)',
    415,
    'unsupported_content_encoding',
    () => gzipSync(JSON.stringify({ pad: 'x'.repeat(5_000_000) })).toString('latin1'),
    { 'content-encoding': 'gzip' },
  ),
  bodyCase('refuses a deflate body (no content coding is decoded)', 415, 'unsupported_content_encoding', () => 'x\u009c', {
    'content-encoding': 'deflate',
  }),
  // Prototype pollution.
  bodyCase(
    'refuses a top-level __proto__ key',
    400,
    'forbidden_json_key',
    (f) => `{"type":"driver-license","claims":${JSON.stringify(example(f))},"__proto__":{"role":"admin"}}`,
  ),
  bodyCase(
    'refuses a __proto__ key nested in the claims',
    400,
    'forbidden_json_key',
    () => '{"type":"driver-license","claims":{"a":{"b":{"__proto__":{"x":1}}}}}',
  ),
  bodyCase(
    'refuses constructor.prototype',
    400,
    'forbidden_json_key',
    () => '{"type":"driver-license","claims":{"constructor":{"prototype":{"x":1}}}}',
  ),
  bodyCase(
    'refuses an escaped __proto__ key',
    400,
    'forbidden_json_key',
    () => '{"type":"driver-license","claims":{"\\u005f_proto__":{"x":1}}}',
  ),
  {
    name: 'refuses __proto__ in a counter policy',
    request: (f) => ({
      ...counter(f, 'x~'),
      payload: '{"presentation":"x~","policy":{"__proto__":{"require_holder_binding":false}}}',
      headers: { authorization: `Bearer ${f.keys.verifier}`, 'content-type': 'application/json' },
    }),
    status: 400,
    code: 'forbidden_json_key',
  },
  {
    name: 'refuses __proto__ in a token request form',
    request: () => ({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '__proto__[grant_type]=x&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code',
    }),
    status: 400,
    code: 'invalid_request',
  },
  // Content-Type spellings do not bypass validation.
  bodyCase(
    'validates a body sent as Application/JSON',
    400,
    'invalid_request',
    () => ({ type: 'driver-license', claims: 'not an object' }),
    { 'content-type': 'Application/JSON' },
  ),
  bodyCase('validates a body sent with a charset parameter', 400, 'invalid_request', () => ({ type: 'driver-license' }), {
    'content-type': 'application/json; charset=utf-8',
  }),
  // A JSON route reads no form (refuseFormsWhereNotConsumed): refused for its media type, not parsed and validated.
  bodyCase('refuses a body sent as a form', 415, 'unsupported_media_type', () => 'type=driver-license&claims=x', {
    'content-type': 'application/x-www-form-urlencoded',
  }),
  bodyCase('refuses text/json', 415, 'unsupported_media_type', (f) => ({ type: 'driver-license', claims: example(f) }), {
    'content-type': 'text/json',
  }),
  bodyCase('refuses text/plain', 415, 'unsupported_media_type', (f) => ({ type: 'driver-license', claims: example(f) }), {
    'content-type': 'text/plain',
  }),
  bodyCase('refuses application/jsonx', 415, 'unsupported_media_type', (f) => ({ type: 'driver-license', claims: example(f) }), {
    'content-type': 'application/jsonx',
  }),
  bodyCase(
    'refuses multipart/form-data',
    415,
    'unsupported_media_type',
    () => '--b\r\nContent-Disposition: form-data; name="type"\r\n\r\ndriver-license\r\n--b--',
    { 'content-type': 'multipart/form-data; boundary=b' },
  ),
  bodyCase(
    'refuses a body without a Content-Type',
    415,
    'unsupported_media_type',
    (f) => ({ type: 'driver-license', claims: example(f) }),
    { 'content-type': '' },
  ),
  // Nesting, counts, sizes.
  // Refused by the parser's depth bound (32) before anything is built from it.
  bodyCase(
    'refuses a body nested 10,000 deep',
    400,
    'json_too_deep',
    () => `{"type":"driver-license","claims":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  ),
  bodyCase(
    'refuses an array nested 10,000 deep',
    400,
    'json_too_deep',
    () => `{"type":"driver-license","claims":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
  ),
  {
    name: 'refuses 50,000 disclosures at the counter by the body schema',
    request: (f) => counter(f, `${credentialParts(f).jwt}~${'A~'.repeat(50_000)}`),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'rejects 20,000 disclosures without processing them',
    request: (f) => counter(f, `${credentialParts(f).jwt}~${'A~'.repeat(20_000)}`),
    status: 200,
    verdict: true,
    code: 'sd_jwt_too_many_disclosures',
  },
  {
    name: 'refuses a presentation over the schema limit',
    request: (f) => counter(f, 'A'.repeat(600_000)),
    status: 400,
    code: 'invalid_request',
  },
  auth('refuses a 1 MB Authorization header', 401, 'invalid_api_key', () => `Bearer ${'a'.repeat(1_000_000)}`),
  {
    name: 'refuses a repeated query parameter',
    request: (f) => ({ method: 'GET', url: '/v1/credentials?limit=1&limit=2', headers: { authorization: `Bearer ${f.keys.issuer}` } }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'refuses an unknown query parameter',
    request: (f) => ({ method: 'GET', url: '/v1/credentials?admin=true', headers: { authorization: `Bearer ${f.keys.issuer}` } }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'answers a path traversal in a status list id with 404',
    request: () => ({ method: 'GET', url: '/status/..%2F..%2Fetc%2Fpasswd' }),
    status: 404,
    code: 'status_list_not_found',
  },
  {
    name: 'answers an over-long path parameter with 414 problem+json',
    request: () => ({ method: 'GET', url: `/status/${'a'.repeat(5000)}` }),
    status: 414,
    code: 'uri_too_long',
  },
  {
    name: 'answers a malformed percent-encoding with 400 problem+json',
    request: () => ({ method: 'GET', url: '/status/%E0%A4%A' }),
    status: 400,
    code: 'bad_url',
  },
  {
    // In the offer endpoint's own OAuth shape, though the router refused the path before choosing it.
    name: 'answers a malformed percent-encoding under an OpenID4VCI path with 400 invalid_request',
    request: () => ({ method: 'GET', url: '/openid4vci/credential-offer/%E0%A4%A' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'answers a malformed percent-encoding under an API path with 400 bad_url',
    request: (f) => ({ method: 'GET', url: '/v1/credentials/%E0%A4%A', headers: { authorization: `Bearer ${f.keys.issuer}` } }),
    status: 400,
    code: 'bad_url',
  },
  {
    name: 'answers an unknown route with 404',
    request: () => ({ method: 'GET', url: '/v1/../../etc/passwd' }),
    status: 404,
    code: 'not_found',
  },
  {
    name: 'answers a wrong method with 405',
    request: () => ({ method: 'DELETE', url: '/v1/credentials' }),
    status: 405,
    code: 'method_not_allowed',
  },
  // API keys and roles.
  auth('refuses a missing API key', 401, 'missing_api_key', () => undefined),
  auth('refuses a wrong API key', 401, 'invalid_api_key', () => 'Bearer dp_not_a_real_key'),
  auth('refuses a right client id with a wrong secret', 401, 'invalid_api_key', (f) => `Bearer ${f.keys.issuer.slice(0, -4)}AAAA`),
  auth('refuses Basic authorization', 401, 'malformed_authorization', () => `Basic ${Buffer.from('a:b').toString('base64')}`),
  auth('refuses Bearer without a key', 401, 'malformed_authorization', () => 'Bearer '),
  auth('refuses two Bearer keys', 401, 'malformed_authorization', (f) => `Bearer ${f.keys.issuer} ${f.keys.issuer}`),
  auth('refuses a Bearer key after a no-break space', 401, 'malformed_authorization', (f) => `Bearer\u00a0${f.keys.issuer}`),
  auth('refuses a revoked API key', 401, 'revoked_api_key', async (f) => {
    const res = await f.t.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      headers: { authorization: `Bearer ${f.keys.admin}` },
      payload: { name: 'soon revoked', role: 'issuer' },
    });
    const { client, apiKey } = res.json<{ client: { id: string }; apiKey: string }>();
    assert.equal(
      (
        await f.t.app.inject({
          method: 'POST',
          url: `/v1/admin/clients/${client.id}/revoke`,
          headers: { authorization: `Bearer ${f.keys.admin}` },
        })
      ).statusCode,
      200,
    );
    return `Bearer ${apiKey}`;
  }),
  {
    name: 'refuses a verifier key on an issuer route',
    request: (f) => issue(f, { type: 'driver-license', claims: example(f) }, {}, f.keys.verifier),
    status: 403,
    code: 'wrong_role',
  },
  {
    name: 'refuses an issuer key on a verifier route',
    request: (f) => counter(f, 'x~', undefined, f.keys.issuer),
    status: 403,
    code: 'wrong_role',
  },
  auth('refuses an issuer key on an admin route', 403, 'wrong_role', (f) => `Bearer ${f.keys.issuer}`, '/v1/admin/clients'),
  auth('refuses a verifier key on the credential registry', 403, 'wrong_role', (f) => `Bearer ${f.keys.verifier}`),
  {
    name: 'answers a burst over the client rate with 429 and Retry-After',
    request: async (f) => {
      const key = await f.t.apiKey('verifier', { rateLimit: 2 });
      for (let i = 0; i < 2; i++)
        assert.equal(
          (await f.t.app.inject({ method: 'GET', url: '/v1/verifier/requests/x', headers: { authorization: `Bearer ${key}` } })).statusCode,
          404,
        );
      return { method: 'GET', url: '/v1/verifier/requests/x', headers: { authorization: `Bearer ${key}` } };
    },
    status: 429,
    code: 'rate_limited',
    check: (res) => assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After'),
  },
];

runSecurityCases('HTTP', cases, {
  extra: (fixture) => {
    it('answers 1 MB of headers on a real socket with 431, and keeps serving', async () => {
      const f = fixture();
      const address = await f.t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_000_000)}\r\n\r\n`);
        });
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('end', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.on('error', (e) => (data ? resolve(data) : reject(e)));
        socket.setTimeout(10_000, () => {
          socket.destroy();
          reject(new Error('hang'));
        });
      });
      assert.match(answer, /^HTTP\/1\.1 431 /);
      assert.match(answer, /content-type: application\/problem\+json/i);
      assert.match(answer, /"code":"headers_too_large"/);
      const ok = await fetch(`${address}/healthz`);
      assert.equal(ok.status, 200);
    });
  },
});
