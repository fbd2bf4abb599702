/**
 * Refusals that depend on the route a request names, checked on every operation of the OpenAPI
 * document the app generates:
 *
 * - a body in a media type the route does not read is told the media types that route takes
 *   (its OpenAPI `requestBody`), or that it takes no body; never "send JSON" to a form endpoint;
 * - a routing error (a malformed percent-encoding, an over-long path parameter), raised before
 *   the router chooses a route, is answered in the shape the route it names answers everything
 *   else in: the OAuth shape with `invalid_request` on OpenID4VCI / OpenID4VP endpoints;
 * - a method or path no route takes is 405 / 404 whatever body comes with it: the body is not
 *   parsed or judged.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { fillPath as fill, operationCaller, type Operation, type OperationCaller } from '../helpers/openapi-operations.js';
import { errorEntry } from '../../src/errors.js';

const HANGUL = /[가-힣]/;

/** The answer's code and sentence, in either shape, and which shape. */
function refusal(res: LightMyRequestResponse): { shape: 'oauth' | 'problem'; code: string; detail: string } {
  const body = res.json<{ code?: string; detail?: string; error?: string; error_description?: string }>();
  if (body.error !== undefined) {
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', res.body);
    return { shape: 'oauth', code: body.error, detail: body.error_description ?? '' };
  }
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, res.body);
  return { shape: 'problem', code: body.code ?? '', detail: body.detail ?? '' };
}

describe('refusals say what the route they name takes, in its shape', { timeout: 120_000 }, () => {
  let t: TestApp;
  let operations: Operation[];
  let auth: OperationCaller['auth'];
  let send: OperationCaller['send'];
  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
    });
    ({ operations, auth, send } = await operationCaller(t));
  });
  afterAll(() => t.close());

  describe('a body in a media type the route does not read', () => {
    it('is told the media types of its own route, on every POST route', async () => {
      let told = 0;
      for (const op of operations.filter((o) => o.method === 'POST')) {
        for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
          const res = await send(op, { payload: 'grant_type=x', headers });
          const what = `${op.path} with ${headers['content-type'] ?? 'no Content-Type'}: ${res.body}`;
          // Routes that check their caller first (the deferred endpoints' access token) answer that.
          if (res.statusCode === 401) continue;
          assert.ok(res.statusCode === 415 || res.statusCode === 400, what);
          const { detail } = refusal(res);
          if (op.consumes.length === 0) assert.match(detail, /takes no body/, what);
          for (const type of op.consumes) assert.ok(detail.includes(type), `${what}: does not name ${type}`);
          for (const type of ['application/json', 'application/x-www-form-urlencoded'].filter((x) => !op.consumes.includes(x)))
            assert.ok(!detail.includes(type), `${what}: names ${type}, which the route does not take`);
          told++;
        }
      }
      assert.ok(told >= 2 * 20, `only ${told} refusals checked`);
    });

    it('tells the OAuth forms to send a form, and the nonce endpoint to send nothing', async () => {
      const token = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'text/plain' }, payload: 'x' });
      assert.equal(token.statusCode, 400, token.body);
      assert.deepEqual(token.json(), { error: 'invalid_request', error_description: 'send the body as application/x-www-form-urlencoded' });

      const response = await t.app.inject({ method: 'POST', url: '/openid4vp/response', payload: 'x', headers: { 'content-length': '1' } });
      assert.equal(response.statusCode, 415, response.body);
      assert.deepEqual(response.json(), {
        error: 'invalid_request',
        error_description: 'send the body as application/x-www-form-urlencoded',
      });

      const nonce = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/nonce',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      });
      assert.equal(nonce.statusCode, 415, nonce.body);
      assert.equal(nonce.json<{ error: string }>().error, 'invalid_request');
      assert.match(nonce.json<{ error_description: string }>().error_description, /takes no body: send the request without one/);
      // What it says works.
      const empty = await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' });
      assert.equal(empty.statusCode, 200, empty.body);

      const json = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/clients',
        headers: { authorization: auth.admin, 'content-type': 'text/plain' },
        payload: '{}',
      });
      assert.equal(json.statusCode, 415, json.body);
      assert.equal(json.json<{ code: string }>().code, 'unsupported_media_type');
      assert.equal(json.json<{ detail: string }>().detail, 'send the body as application/json');
    });

    it('says it in Korean with the media-type sentence', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'text/plain', 'accept-language': 'ko' },
        payload: 'x',
      });
      assert.equal(res.statusCode, 415);
      // The route's own media type, as in English, not the catalogue's one sentence for every route.
      assert.equal(
        res.json<{ error_description: string }>().error_description,
        '요청 본문은 application/x-www-form-urlencoded 형식으로 보내십시오.',
      );
    });
  });

  describe('a routing error on a path that names a route', () => {
    // Each refused by the router before a route is chosen (Fastify's frameworkErrors).
    const ROUTING_ERRORS = [
      { name: 'a malformed percent-encoding', value: '%zz', status: 400, own: 'bad_url' },
      { name: 'a percent-encoding that is not UTF-8', value: '%ff', status: 400, own: 'bad_url' },
      { name: 'a 300-character parameter', value: 'a'.repeat(300), status: 414, own: 'uri_too_long' },
    ];

    it('is answered in the shape of the route it names, on every route with a path parameter', async () => {
      let oauth = 0;
      let problem = 0;
      for (const op of operations.filter((o) => o.path.includes('{'))) {
        // The route's own shape: what it answers a NUL in its parameter with (refuse-nul.ts, after routing).
        const own = refusal(await send(op, { url: fill(op.path, '%00') })).shape;
        // A wildcard (`/vct/*`) has no length bound: only a parameter of its own has one.
        for (const e of ROUTING_ERRORS.filter((x) => x.status !== 414 || !op.path.includes('{*}'))) {
          const res = await send(op, { url: fill(op.path, e.value) });
          const what = `${op.method} ${op.path} with ${e.name}: ${res.statusCode} ${res.body.slice(0, 200)}`;
          assert.equal(res.statusCode, e.status, what);
          const got = refusal(res);
          assert.equal(got.shape, own, what);
          assert.equal(got.code, own === 'oauth' ? 'invalid_request' : e.own, what);
          if (own === 'oauth') assert.equal(res.headers['cache-control'], 'no-store', what);
          if (own === 'oauth') oauth++;
          else problem++;
        }
      }
      // The offer and its QR codes, the request object (GET and POST) and its QR codes; the API's own.
      assert.ok(oauth >= 6 * ROUTING_ERRORS.length, `only ${oauth} OAuth-shaped routing errors`);
      assert.ok(problem >= 6 * ROUTING_ERRORS.length, `only ${problem} problem+json routing errors`);
    });

    it('answers the cases of the report, in Korean too', async () => {
      for (const url of [
        '/openid4vci/credential-offer/%zz',
        '/openid4vp/requests/%ff',
        `/openid4vci/credential-offer/${'a'.repeat(300)}`,
      ]) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.json<{ error: string }>().error, 'invalid_request', `${url}: ${res.body}`);
      }
      const ko = await t.app.inject({
        method: 'GET',
        url: `/openid4vci/credential-offer/${'a'.repeat(300)}`,
        headers: { 'accept-language': 'ko' },
      });
      assert.equal(ko.statusCode, 414);
      assert.equal(ko.headers['content-language'], 'ko');
      assert.equal(ko.json<{ error_description: string }>().error_description, errorEntry('uri_too_long').ko);
      const badUrl = await t.app.inject({ method: 'GET', url: '/openid4vp/requests/%ff', headers: { 'accept-language': 'ko' } });
      assert.match(badUrl.json<{ error_description: string }>().error_description, HANGUL);
    });

    it('keeps problem+json on a path that is no route of ours', async () => {
      for (const url of ['/nothing/%zz', '/openid4vci/credential-offe%zz/x', '/v1/verifier/requests/%ff']) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization: auth.verifier } });
        assert.equal(res.statusCode, 400, url);
        assert.equal(refusal(res).code, 'bad_url', url);
      }
    });
  });

  describe('a method or path no route takes', () => {
    const BODIES: { name: string; headers: Record<string, string>; payload?: string }[] = [
      { name: 'JSON that is not JSON', headers: { 'content-type': 'application/json' }, payload: 'garbage' },
      { name: 'an empty JSON body', headers: { 'content-type': 'application/json' }, payload: '' },
      { name: 'an empty Content-Type', headers: { 'content-type': '' }, payload: 'garbage' },
      { name: 'no Content-Type', headers: {}, payload: 'garbage' },
      { name: 'text/plain', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      { name: 'a form of 1,000 fields', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1&'.repeat(1000) },
      { name: 'a 2 MB body', headers: { 'content-type': 'application/json' }, payload: `"${'x'.repeat(2_000_000)}"` },
      { name: 'a gzip body', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: 'x' },
      { name: '__proto__', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' },
    ];

    it('is 404 not_found on an unknown path, whatever the body', async () => {
      // /oauth/par exists only with OIDC_ISSUER (off here).
      for (const url of ['/nonexistent', '/oauth/par', '/v1/nothing%00']) {
        for (const b of BODIES) {
          const res = await t.app.inject({
            method: 'POST',
            url,
            headers: b.headers,
            ...(b.payload !== undefined && { payload: b.payload }),
          });
          assert.equal(res.statusCode, 404, `${url} with ${b.name}: ${res.body}`);
          assert.equal(refusal(res).code, 'not_found', `${url} with ${b.name}`);
          assert.equal(res.headers['accept-encoding'], undefined, `${url} with ${b.name}`);
        }
      }
    });

    it('is 405 with Allow on every path of the OpenAPI document, whatever the body', async () => {
      const paths = new Map<string, Set<string>>();
      for (const op of operations) paths.set(op.path, (paths.get(op.path) ?? new Set()).add(op.method));
      let checked = 0;
      for (const [path, methods] of paths) {
        for (const method of (['POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((m) => !methods.has(m))) {
          for (const b of BODIES.slice(0, 5)) {
            const res = await t.app.inject({ method, url: fill(path, 'x0000000000000000'), headers: b.headers, payload: b.payload });
            const what = `${method} ${path} with ${b.name}: ${res.body.slice(0, 200)}`;
            assert.equal(res.statusCode, 405, what);
            assert.equal(refusal(res).code, 'method_not_allowed', what);
            for (const m of methods) assert.ok(String(res.headers.allow).includes(m), `${what}: Allow ${res.headers.allow}`);
            checked++;
          }
        }
      }
      assert.ok(checked >= 100, `only ${checked} checked`);
    });

    it('still refuses a request without a Host on an unknown path (no resource is named)', async () => {
      // light-my-request always sends a Host; one that is not a host stands for a missing one.
      const bad = await t.app.inject({ method: 'POST', url: '/nonexistent', headers: { host: 'a b' }, payload: 'garbage' });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(refusal(bad).code, 'bad_host');
    });
  });
});
