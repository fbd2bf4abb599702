/**
 * CORS on the public documents (src/http/public-cors.ts): a browser-based wallet or relying party
 * on another origin can read the issuer's keys and metadata, the catalogue, type metadata and
 * status lists, and their preflight is answered; endpoints that act on a token or a code and the
 * back-office API say nothing that would let another origin read their answers.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const ORIGIN = 'https://wallet.example';

describe('CORS on the public documents', () => {
  let t: TestApp;
  let publicPaths: string[];
  beforeAll(async () => {
    t = await startTestApp();
    const type = t.runtime.catalog.get('local-tax-payment')!;
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${await t.apiKey('issuer')}` },
      payload: { type: type.id, claims: type.example },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    publicPaths = [
      '/.well-known/jwks.json',
      '/.well-known/jwt-vc-issuer',
      '/.well-known/openid-credential-issuer',
      '/.well-known/oauth-authorization-server',
      // The verifier's did:web document: a browser wallet checks our request objects with it.
      '/.well-known/did.json',
      '/v1/credential-types',
      type.vctPath,
      new URL(issued.json().status.list).pathname,
    ];
  });
  afterAll(() => t?.close());

  it('lets any origin read each document, its ETag and its refusals', async () => {
    for (const url of publicPaths) {
      const res = await t.app.inject({ url, headers: { origin: ORIGIN } });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      assert.equal(res.headers['access-control-allow-origin'], '*', url);
      assert.match(String(res.headers['access-control-expose-headers']), /etag/i, url);
      assert.equal(res.headers['access-control-allow-credentials'], undefined, url);
    }
    const missing = await t.app.inject({ url: '/vct/no-such-type', headers: { origin: ORIGIN } });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers['access-control-allow-origin'], '*');
  });

  it('answers the preflight of a revalidation', async () => {
    for (const url of publicPaths) {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' },
      });
      assert.equal(res.statusCode, 204, url);
      assert.equal(res.headers['access-control-allow-origin'], '*', url);
      assert.match(String(res.headers['access-control-allow-headers']), /if-none-match/i, url);
    }
  });

  it('says nothing on the endpoints that act on a token, a code or an API key', async () => {
    for (const [method, url] of [
      ['POST', '/openid4vci/nonce'],
      ['POST', '/oauth/token'],
      ['POST', '/v1/offers'],
      ['GET', '/v1/credentials/00000000-0000-0000-0000-000000000000'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { origin: ORIGIN } });
      assert.notEqual(res.statusCode, 404, `${method} ${url} is a route`);
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}`);
    }
  });
});
