/**
 * Issue 14, class 1: a request is refused before it costs the server. Credentials (API key,
 * access token) are checked before the body is read; every JSON body is bounded by size per
 * route and by depth while parsing; wallet-facing endpoints have a per-address ceiling and a
 * tighter limit per offer, code, token, request or history token. On both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, makeOffer } from '../openid4vci/vci-helpers.js';
import { rowCount } from '../helpers/row-count.js';

const ref43 = () => randomBytes(32).toString('base64url');
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
/** ~900 kB of nested brackets: what took 0.7–1.8 s to parse before it was refused. */
const HUGE_DEEP = deep(450_000);
const errorCode = (res: LightMyRequestResponse) => {
  const body = res.json<{ code?: string; error?: string }>();
  return body.code ?? body.error;
};

for (const backend of storeTargets()) {
  describe(`the HTTP front door on ${backend}`, () => {
    let t: TestApp;
    let keys: { issuer: string; verifier: string; admin: string };
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
      });
      keys = { issuer: await t.apiKey('issuer'), verifier: await t.apiKey('verifier'), admin: await t.apiKey('admin') };
    });
    afterAll(() => t.close());

    // Each of these bodies would be answered 413 or 400 json_too_deep / malformed_json if it were
    // read: the credential refusal proves it was not.
    const bodies = [
      { name: '900 kB of nested brackets', payload: HUGE_DEEP },
      { name: 'malformed JSON', payload: '{{{' },
      { name: 'a body over every limit (2 MB)', payload: `{"a":"${'x'.repeat(2_000_000)}"}` },
    ];
    const refusals: { name: string; url: string; authorization?: string; status: number; code: string }[] = [
      { name: 'the credential endpoint without Authorization', url: '/openid4vci/credential', status: 401, code: 'invalid_token' },
      {
        name: 'the credential endpoint with an unknown access token',
        url: '/openid4vci/credential',
        authorization: `Bearer ${ref43()}`,
        status: 401,
        code: 'invalid_token',
      },
      {
        name: 'the credential endpoint with a malformed Authorization',
        url: '/openid4vci/credential',
        authorization: 'Basic abc',
        status: 400,
        code: 'invalid_request',
      },
      {
        name: 'the credential endpoint with the token in the URL',
        url: `/openid4vci/credential?access_token=${ref43()}`,
        status: 400,
        code: 'invalid_request',
      },
      { name: 'direct issuance without an API key', url: '/v1/credentials', status: 401, code: 'missing_api_key' },
      {
        name: 'offers with a wrong API key',
        url: '/v1/offers',
        authorization: 'Bearer dproof_c0000000000000000_nope',
        status: 401,
        code: 'invalid_api_key',
      },
      { name: 'verifier requests without an API key', url: '/v1/verifier/requests', status: 401, code: 'missing_api_key' },
      { name: 'counter verification without an API key', url: '/v1/verifier/verify', status: 401, code: 'missing_api_key' },
      { name: 'client creation without an API key', url: '/v1/admin/clients', status: 401, code: 'missing_api_key' },
    ];
    for (const r of refusals) {
      for (const b of bodies) {
        it(`refuses ${r.name} before reading ${b.name}`, async () => {
          const res = await t.app.inject({
            method: 'POST',
            url: r.url,
            payload: b.payload,
            headers: { 'content-type': 'application/json', ...(r.authorization !== undefined && { authorization: r.authorization }) },
          });
          assert.equal(res.statusCode, r.status, res.body);
          // The code is the proof: read, each body would have been 413, json_too_deep or malformed_json.
          // (How long a refusal takes is the bench's to measure, not a test's.)
          assert.equal(errorCode(res), r.code);
        });
      }
    }

    it('reads the body once the access token is good (the check does not refuse valid tokens)', async () => {
      const offer = await makeOffer(t, keys.issuer, { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example });
      const token = await accessToken(t, offer);
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: deep(40),
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ error: string }>().error, 'invalid_credential_request');
      assert.match(res.json<{ error_description: string }>().error_description, /more than 32 deep/);
    });

    // The depth bound, on JSON routes whose caller is authenticated (so the body is read).
    const jsonRoutes = [
      { url: '/v1/credentials', key: 'issuer' },
      { url: '/v1/offers', key: 'issuer' },
      { url: '/v1/verifier/requests', key: 'verifier' },
      { url: '/v1/verifier/verify', key: 'verifier' },
      { url: '/v1/admin/clients', key: 'admin' },
    ] as const;
    const post = (url: string, key: string, payload: string): InjectOptions => ({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload,
    });
    for (const r of jsonRoutes) {
      for (const [what, payload, code] of [
        ['a member nested 33 deep', `{"a":${deep(32)}}`, 'json_too_deep'],
        ['a body of 10,000 nested arrays', deep(10_000), 'json_too_deep'],
        ['10,000 nested objects in a member', `{"purpose":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 'json_too_deep'],
        ['an object of 101 members', `{${Array.from({ length: 101 }, (_, i) => `"m${i}":1`).join(',')}}`, 'json_too_wide'],
        ['an array of 1,001 items', `{"types":[${Array(1001).fill('"a"').join(',')}]}`, 'json_too_wide'],
        ['a NUL character in a string', '{"name":"a\\u0000b","reason":"\\u0000"}', 'nul_character'],
        ['a member name twice', '{"type":"resident-id","claims":{},"type":"x"}', 'json_duplicate_name'],
        ['a nested member name twice, once escaped', '{"claims":{"family_name":"a","family_n\\u0061me":"b"}}', 'json_duplicate_name'],
      ] as const) {
        it(`answers ${what} on POST ${r.url} with 400 ${code}`, async () => {
          const res = await t.app.inject(post(r.url, keys[r.key], payload));
          assert.equal(res.statusCode, 400, res.body);
          assert.equal(errorCode(res), code);
        });
      }
      it(`answers a body that is not UTF-8 on POST ${r.url} with 400 body_not_utf8, not with U+FFFD in its place`, async () => {
        // "홍길동" in EUC-KR, then a lone continuation byte and an overlong "/" (0xC0 0xAF).
        for (const bytes of [[0xc8, 0xab, 0xb1, 0xe6, 0xb5, 0xbf], [0x80], [0xc0, 0xaf]]) {
          const payload = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('","purpose":"x"}')]);
          const res = await t.app.inject({ ...post(r.url, keys[r.key], ''), payload });
          assert.equal(res.statusCode, 400, res.body);
          assert.equal(errorCode(res), 'body_not_utf8');
        }
      });
      it(`parses 32 levels, 100 members, brackets in strings and an escaped backslash before u0000 on POST ${r.url}`, async () => {
        const hundred = Array.from({ length: 100 }, (_, i) => `"m${i}":1`).join(',');
        for (const payload of [
          `{"a":${deep(31)}}`,
          `{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`,
          `{${hundred}}`,
          '{"a":"\\\\u0000"}',
          '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}],"name":"홍길동"}',
        ]) {
          const res = await t.app.inject(post(r.url, keys[r.key], payload));
          assert.equal(res.statusCode, 400, res.body);
          for (const bound of ['json_too_deep', 'json_too_wide', 'nul_character', 'malformed_json', 'json_duplicate_name', 'body_not_utf8'])
            assert.notEqual(errorCode(res), bound, payload.slice(0, 60));
        }
      });
    }

    it('refuses a compressed body with 415 unsupported_content_encoding and Accept-Encoding: identity, before reading it', async () => {
      const offers = () => rowCount(t, 'vci_offers');
      const before = await offers();
      for (const coding of ['gzip', 'br', 'deflate', 'x-gzip', 'identity, gzip', 'GZIP']) {
        const res = await t.app.inject({
          ...post('/v1/offers', keys.issuer, ''),
          headers: { authorization: `Bearer ${keys.issuer}`, 'content-type': 'application/json', 'content-encoding': coding },
          // A whole, valid offer: read uncompressed it would be made.
          payload: gzipSync(JSON.stringify({ type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example })),
        });
        assert.equal(res.statusCode, 415, `${coding}: ${res.body}`);
        assert.equal(errorCode(res), 'unsupported_content_encoding');
        assert.equal(res.headers['accept-encoding'], 'identity');
        assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
      }
      assert.equal(await offers(), before, 'no offer was made');
      // OAuth endpoints answer in their own shape with a registered code: the token endpoint its
      // invalid_request with 400, the nonce endpoint (no code of its own for bad requests) keeps
      // the 415 and names invalid_request, not our unsupported_content_encoding.
      for (const [url, type, body, status] of [
        [
          '/oauth/token',
          'application/x-www-form-urlencoded',
          'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=x',
          400,
        ],
        ['/openid4vci/nonce', 'application/json', '{}', 415],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': type, 'content-encoding': 'gzip' },
          payload: gzipSync(body),
        });
        assert.equal(res.statusCode, status, `${url}: ${res.body}`);
        assert.equal(res.json<{ error: string }>().error, 'invalid_request');
        assert.match(res.json<{ error_description: string }>().error_description, /uncompressed/);
      }
    });

    it('answers a form that is not UTF-8 on POST /oauth/token with 400 invalid_request in the OAuth shape', async () => {
      for (const payload of [
        `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=${ref43()}&tx_code=%FF`,
        Buffer.concat([Buffer.from(`grant_type=x&pre-authorized_code=${ref43()}&tx_code=`), Buffer.from([0xc8, 0xab, 0xb1, 0xe6])]),
      ]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload,
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ error: string }>().error, 'invalid_request');
        assert.match(res.json<{ error_description: string }>().error_description, /not valid UTF-8/);
      }
    });

    it('reads a body whose Content-Encoding is identity, and ignores a Content-Encoding on a request without a body', async () => {
      const res = await t.app.inject({
        ...post('/v1/offers', keys.issuer, '{"type":"resident-id","claims":{}}'),
        headers: { authorization: `Bearer ${keys.issuer}`, 'content-type': 'application/json', 'content-encoding': 'identity' },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(errorCode(res), 'invalid_claims', 'read and validated');
      const get = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'content-encoding': 'gzip' } });
      assert.equal(get.statusCode, 200, get.body);
    });

    for (const url of [
      '/v1/credentials/%00',
      '/status/a%00b',
      '/v1/verifier/requests/%00',
      '/openid4vp/requests/%00',
      '/v1/credentials?type=%00',
    ]) {
      // An OAuth endpoint (the OpenID4VP request object) names the registered invalid_request; the description says what.
      const oauth = url.startsWith('/openid4vp/');
      it(`answers a NUL character in ${url} with 400 ${oauth ? 'invalid_request' : 'nul_character'} on both stores alike`, async () => {
        const res = await t.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${url.includes('verifier') ? keys.verifier : keys.issuer}` },
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(errorCode(res), oauth ? 'invalid_request' : 'nul_character');
        if (oauth) assert.match(res.json<{ error_description: string }>().error_description, /NUL character/);
      });
    }

    // Per-route body limits: small routes refuse 100 kB; routes that carry credentials take it.
    const big = `{"pad":"${'x'.repeat(100_000)}"}`;
    for (const r of [
      { url: '/v1/verifier/requests', key: 'verifier', small: true },
      { url: '/v1/admin/clients', key: 'admin', small: true },
      { url: '/v1/credentials', key: 'issuer', small: false },
      { url: '/v1/offers', key: 'issuer', small: false },
      { url: '/v1/verifier/verify', key: 'verifier', small: false },
    ] as const) {
      it(`${r.small ? 'refuses' : 'reads'} a 100 kB body on POST ${r.url}`, async () => {
        const res = await t.app.inject(post(r.url, keys[r.key], big));
        if (r.small) {
          assert.equal(res.statusCode, 413, res.body);
          assert.equal(errorCode(res), 'body_too_large');
        } else {
          assert.equal(res.statusCode, 400, res.body);
          assert.equal(errorCode(res), 'invalid_request');
        }
      });
    }
    it('answers a malformed or NUL-bearing JSON body on the nonce endpoint (no code of its own) with 400 invalid_request', async () => {
      for (const [payload, reason] of [
        ['{', /not valid JSON/],
        ['{"a":"\\u0000"}', /NUL character/],
        ['{"a":1,"a":2}', /same member twice|twice/],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/openid4vci/nonce',
          headers: { 'content-type': 'application/json' },
          payload,
        });
        assert.equal(res.statusCode, 400, `${payload}: ${res.body}`);
        const body = res.json<{ error: string; error_description: string }>();
        assert.equal(body.error, 'invalid_request', payload);
        assert.match(body.error_description, reason, payload);
      }
    });
    for (const url of ['/oauth/token', '/openid4vci/nonce']) {
      // RFC 6749 §5.2: the OAuth `error` is a registered code (invalid_request), not our body_too_large; the status and the description say what.
      it(`refuses a 100 kB form on POST ${url} with 413 in the OAuth shape, with a registered error code`, async () => {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `pad=${'x'.repeat(100_000)}`,
        });
        assert.equal(res.statusCode, 413, res.body);
        const body = res.json<{ error: string; error_description: string }>();
        assert.equal(body.error, 'invalid_request');
        assert.match(body.error_description, /larger than this service accepts/);
      });
    }
  });

  describe(`rate limits of the wallet-facing endpoints on ${backend}`, () => {
    let t: TestApp;
    const PER_REFERENCE = 3;
    const PER_ADDRESS = 12;
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(PER_ADDRESS), RATE_LIMIT_PER_REFERENCE_PER_MINUTE: String(PER_REFERENCE) },
      });
    });
    afterAll(() => t.close());

    const state = () => randomBytes(16).toString('base64url').slice(0, 22);
    const form = 'application/x-www-form-urlencoded';
    // Each builds a request carrying `ref`; any value counts, known or not.
    const endpoints: { name: string; oauth: boolean; request: (ref: string) => InjectOptions; fresh: () => string }[] = [
      { name: 'offer fetch', oauth: true, fresh: ref43, request: (ref) => ({ method: 'GET', url: `/openid4vci/credential-offer/${ref}` }) },
      {
        name: 'offer QR',
        oauth: true,
        fresh: ref43,
        request: (ref) => ({ method: 'GET', url: `/openid4vci/credential-offer/${ref}/qr.svg` }),
      },
      {
        name: 'token',
        oauth: true,
        fresh: ref43,
        request: (ref) => ({
          method: 'POST',
          url: '/oauth/token',
          headers: { 'content-type': form },
          payload: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=${ref}`,
        }),
      },
      {
        name: 'credential',
        oauth: true,
        fresh: ref43,
        request: (ref) => ({
          method: 'POST',
          url: '/openid4vci/credential',
          headers: { authorization: `Bearer ${ref}`, 'content-type': 'application/json' },
          payload: '{}',
        }),
      },
      { name: 'request object', oauth: true, fresh: state, request: (ref) => ({ method: 'GET', url: `/openid4vp/requests/${ref}` }) },
      {
        name: 'direct_post',
        oauth: true,
        fresh: state,
        request: (ref) => ({
          method: 'POST',
          url: '/openid4vp/response',
          headers: { 'content-type': form },
          payload: `state=${ref}&vp_token=%7B%7D`,
        }),
      },
      {
        name: 'history',
        oauth: false,
        fresh: ref43,
        request: (ref) => ({ method: 'GET', url: '/v1/wallet/history', headers: { authorization: `Bearer ${ref}` } }),
      },
    ];
    let address = 0;
    const from = () => `198.51.100.${++address}`;

    for (const e of endpoints) {
      it(`limits one ${e.name} reference to ${PER_REFERENCE} a minute (429 with Retry-After), not the next one`, async () => {
        const ip = from();
        const ref = e.fresh();
        for (let i = 0; i < PER_REFERENCE; i++) {
          const res = await t.app.inject({ ...e.request(ref), remoteAddress: ip });
          assert.ok(res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429, `${res.statusCode} ${res.body}`);
        }
        const limited = await t.app.inject({ ...e.request(ref), remoteAddress: ip });
        assert.equal(limited.statusCode, 429, limited.body);
        assert.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
        if (e.oauth) assert.equal(limited.json<{ error: string }>().error, 'rate_limited');
        else assert.equal(limited.json<{ code: string }>().code, 'rate_limited');
        assert.match(String(limited.headers['content-type']), e.oauth ? /^application\/json/ : /^application\/problem\+json/);
        const other = await t.app.inject({ ...e.request(e.fresh()), remoteAddress: ip });
        assert.notEqual(other.statusCode, 429, 'another reference from the same address is not limited');
      });

      it(`caps one address at ${PER_ADDRESS} ${e.name} requests a minute, whatever they carry, and not the next address`, async () => {
        const ip = from();
        for (let i = 0; i < PER_ADDRESS; i++) {
          assert.notEqual((await t.app.inject({ ...e.request(e.fresh()), remoteAddress: ip })).statusCode, 429);
        }
        const limited = await t.app.inject({ ...e.request(e.fresh()), remoteAddress: ip });
        assert.equal(limited.statusCode, 429, limited.body);
        assert.notEqual((await t.app.inject({ ...e.request(e.fresh()), remoteAddress: from() })).statusCode, 429);
      });
    }

    it('counts one token against its limit however the Authorization header spells the scheme and spaces', async () => {
      const spellings = (token: string) => [
        `Bearer ${token}`,
        `bearer ${token}`,
        `BEARER ${token}`,
        `Bearer  ${token}`,
        `DPoP ${token}`,
        `Bearer\t${token}`,
      ];
      for (const url of ['/openid4vci/credential', '/v1/wallet/history', '/v1/wallet/engagements/request']) {
        const ip = from();
        const token = ref43();
        const all = spellings(token);
        // The i-th request of the run, in the i-th spelling (round the list).
        const ask = (i: number) =>
          t.app.inject({
            method: url === '/openid4vci/credential' ? 'POST' : 'GET',
            url,
            headers: { authorization: all[i % all.length]!, 'content-type': 'application/json' },
            ...(url === '/openid4vci/credential' && { payload: '{}' }),
            remoteAddress: ip,
          });
        for (let i = 0; i < PER_REFERENCE; i++) assert.notEqual((await ask(i)).statusCode, 429, `${url} #${i}`);
        const limited = await ask(PER_REFERENCE);
        assert.equal(limited.statusCode, 429, `${url}: ${limited.body}`);
      }
    });

    it('takes no other space than SP or tab between the scheme and the token (an NBSP header carries no token)', async () => {
      for (const [method, url, code] of [
        ['GET', '/v1/wallet/engagements/request', 'engagement_token_missing'],
        ['GET', '/v1/wallet/history', 'missing_history_token'],
      ] as const) {
        const res = await t.app.inject({ method, url, headers: { authorization: `Bearer\u00a0${ref43()}` }, remoteAddress: from() });
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(res.json<{ code: string }>().code, code);
      }
      const credential = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { authorization: `Bearer\u00a0${ref43()}`, 'content-type': 'application/json' },
        payload: '{}',
        remoteAddress: from(),
      });
      assert.equal(credential.statusCode, 400, credential.body);
      assert.equal(credential.json<{ error: string }>().error, 'invalid_request');
    });

    it('caps the anonymous nonce endpoint per address only, and it stores nothing, answered or refused', async () => {
      const nonces = () => rowCount(t, 'vci_nonces');
      const ip = from();
      const before = await nonces();
      for (let i = 0; i < PER_ADDRESS; i++)
        assert.equal((await t.app.inject({ method: 'POST', url: '/openid4vci/nonce', remoteAddress: ip })).statusCode, 200);
      // A c_nonce is recorded only when a credential request uses it (src/issuance/c-nonce.ts).
      assert.equal(await nonces(), before, 'the nonce endpoint stored a nonce');
      const limited = await t.app.inject({ method: 'POST', url: '/openid4vci/nonce', remoteAddress: ip });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json<{ error: string }>().error, 'rate_limited');
      assert.equal(await nonces(), before, 'a refused nonce request stored a nonce');
    });

    it('leaves status lists and well-known documents unlimited', async () => {
      const ip = from();
      for (let i = 0; i < PER_ADDRESS * 2; i++) {
        for (const url of ['/.well-known/jwks.json', '/.well-known/openid-credential-issuer', '/healthz']) {
          assert.equal((await t.app.inject({ method: 'GET', url, remoteAddress: ip })).statusCode, 200);
        }
      }
    });

    it('keeps a real offer redeemable while another code is limited from the same address', async () => {
      const issuer = await t.apiKey('issuer');
      const offer = await makeOffer(t, issuer, { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example });
      const ip = from();
      const ref = ref43();
      for (let i = 0; i < PER_REFERENCE; i++) await t.app.inject({ ...endpoints[2]!.request(ref), remoteAddress: ip });
      assert.equal((await t.app.inject({ ...endpoints[2]!.request(ref), remoteAddress: ip })).statusCode, 429);
      // Limits key on what the request carries: the real code from the same address still redeems.
      const res = await t.app.inject({ method: 'GET', url: new URL(offer.credential_offer_uri).pathname, remoteAddress: ip });
      const preAuth = res.json<{ grants: Record<string, { 'pre-authorized_code': string }> }>().grants[
        'urn:ietf:params:oauth:grant-type:pre-authorized_code'
      ]!['pre-authorized_code'];
      const token = await t.app.inject({ ...endpoints[2]!.request(preAuth), remoteAddress: ip });
      assert.equal(token.statusCode, 200, token.body);
    });
  });
}
