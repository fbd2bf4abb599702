import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { revokeClient } from '../../src/clients/manage-clients.js';
import { parseApiKey } from '../../src/clients/api-key.js';
import { openStore } from '../../src/store/store.js';
import { CLIENT_CACHE_MS } from '../../src/store/repositories/clients-repo.js';

for (const backend of storeTargets()) {
  describe(`API keys and roles on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    });
    afterAll(() => t.close());

    const get = (key?: string, url = '/v1/admin/clients') =>
      t.app.inject({ method: 'GET', url, headers: key === undefined ? {} : { authorization: key } });

    it('answers a missing Authorization header with 401 missing_api_key', async () => {
      const r = await get();
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'missing_api_key');
    });

    it('answers a non-Bearer header with 401 malformed_authorization', async () => {
      const r = await get('Basic YWxhZGRpbjpvcGVuc2VzYW1l');
      assert.equal(r.json().code, 'malformed_authorization');
    });

    it('answers an unknown or altered key with 401 invalid_api_key', async () => {
      const admin = await t.apiKey('admin');
      assert.equal((await get('Bearer dproof_c0123456789abcdef_' + 'A'.repeat(43))).json().code, 'invalid_api_key');
      const altered = admin.slice(0, -2) + (admin.endsWith('AA') ? 'BB' : 'AA');
      assert.equal((await get(`Bearer ${altered}`)).json().code, 'invalid_api_key');
      assert.equal((await get(`Bearer ${'x'.repeat(10_000)}`)).json().code, 'invalid_api_key');
      assert.equal((await get(`Bearer ${admin}`)).statusCode, 200);
    });

    it('reads the key as every token endpoint reads a Bearer token: the scheme in any case, then spaces or a tab', async () => {
      const admin = await t.apiKey('admin');
      for (const header of [`Bearer  ${admin}`, `bearer ${admin}`, `BEARER\t${admin}`, ` Bearer ${admin} `])
        assert.equal((await get(header)).statusCode, 200, JSON.stringify(header));
      for (const header of [`Bearer\u00a0${admin}`, `Bearer${admin}`, `Bearer ${admin} x`])
        assert.equal((await get(header)).json().code, 'malformed_authorization', JSON.stringify(header));
    });

    it('answers a revoked key with 401 revoked_api_key', async () => {
      const key = await t.apiKey('admin');
      const id = parseApiKey(key)?.clientId as string;
      await revokeClient({ store: t.runtime.store, clock: t.runtime.clock, actor: 'test' }, id);
      const r = await get(`Bearer ${key}`);
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'revoked_api_key');
    });

    it('refuses a key at once when this process revokes it, even right after it was used', async () => {
      const key = await t.apiKey('admin');
      assert.equal((await get(`Bearer ${key}`)).statusCode, 200);
      await revokeClient({ store: t.runtime.store, clock: t.runtime.clock, actor: 'test' }, parseApiKey(key)?.clientId as string);
      assert.equal((await get(`Bearer ${key}`)).json().code, 'revoked_api_key');
    });

    it('refuses a key revoked by another process (the CLI, another node) within CLIENT_CACHE_MS', async () => {
      const key = await t.apiKey('admin');
      assert.equal((await get(`Bearer ${key}`)).statusCode, 200);
      const elsewhere = openStore({ databaseUrl: t.target.databaseUrl, dataDir: t.target.dataDir });
      try {
        await revokeClient({ store: elsewhere, clock: t.runtime.clock, actor: 'test' }, parseApiKey(key)?.clientId as string);
      } finally {
        await elsewhere.close();
      }
      await new Promise((r) => setTimeout(r, CLIENT_CACHE_MS + 50));
      const r = await get(`Bearer ${key}`);
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'revoked_api_key');
    });

    it('keeps issuer and verifier keys out of operator routes with 403 wrong_role', async () => {
      for (const role of ['issuer', 'verifier'] as const) {
        const r = await get(`Bearer ${await t.apiKey(role)}`);
        assert.equal(r.statusCode, 403);
        assert.equal(r.json().code, 'wrong_role');
        // English with its article: "needs an admin client; this key belongs to an issuer client".
        assert.match(
          r.json().detail,
          new RegExp(`needs an admin client; this key belongs to ${role === 'issuer' ? 'an' : 'a'} ${role} client`),
        );
      }
    });

    it('tells any key whose client it is at GET /v1/me (the pages check the role at sign-in)', async () => {
      for (const role of ['issuer', 'verifier', 'admin'] as const) {
        const r = await get(`Bearer ${await t.apiKey(role)}`, '/v1/me');
        assert.equal(r.statusCode, 200);
        assert.equal(r.json().role, role);
        assert.equal(JSON.stringify(r.json()).includes('key_hash'), false);
      }
      assert.equal((await get(undefined, '/v1/me')).json().code, 'missing_api_key');
    });

    it('lets an admin create a client over HTTP and shows the key once', async () => {
      const admin = await t.apiKey('admin');
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/clients',
        headers: { authorization: `Bearer ${admin}` },
        payload: { name: '은행 A', role: 'verifier', rate_limit: 100 },
      });
      assert.equal(r.statusCode, 201);
      const body = r.json();
      assert.match(body.apiKey, /^dproof_c[0-9a-f]{16}_/);
      assert.equal(body.client.name, '은행 A');
      const listed = await get(`Bearer ${admin}`);
      assert.ok(!listed.body.includes(body.apiKey.slice(`dproof_${body.id}_`.length)), 'the list never shows a key');
      assert.ok(!listed.body.includes('key_hash') && !listed.body.includes('keyHash'));
    });

    it('limits a client to its rate and answers 429 with Retry-After', async () => {
      const key = await t.apiKey('admin', { rateLimit: null }); // default: 5 per minute here
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) codes.push((await get(`Bearer ${key}`)).statusCode);
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429]);
      const r = await get(`Bearer ${key}`);
      assert.equal(r.json().code, 'rate_limited');
      assert.ok(Number(r.headers['retry-after']) > 0);
    });

    it('applies a per-client limit and never limits a client with 0', async () => {
      const two = await t.apiKey('admin', { rateLimit: 2 });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await get(`Bearer ${two}`)).statusCode);
      assert.deepEqual(codes, [200, 200, 429]);
      const unlimited = await t.apiKey('admin', { rateLimit: 0 });
      for (let i = 0; i < 20; i++) assert.equal((await get(`Bearer ${unlimited}`)).statusCode, 200);
    });
  });
}
