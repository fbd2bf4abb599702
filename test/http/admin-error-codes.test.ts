/**
 * The refusals of the operator API (/v1/admin/*): API clients and signing keys, each answered
 * with its catalogued code and status through real HTTP on a real store. Codes the route schema
 * stops first are checked on the domain function the CLI calls.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { createClient } from '../../src/clients/manage-clients.js';
import { generateKey, retireKey } from '../../src/keys/manage-keys.js';
import { handoverWindowMs } from '../../src/keys/key-ring.js';
import { isAppError } from '../../src/errors.js';
import { issueViaApi } from '../presentation/helpers.js';

describe('operator API refusals', () => {
  let t: TestApp;
  let admin: string;
  let issuer: string;
  const post = (url: string, payload?: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${admin}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      assert.ok(isAppError(e), String(e));
      return { code: e.code, status: e.status };
    }
    assert.fail('expected a refusal');
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.apiKey('admin');
    issuer = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  it('revoking an unknown client answers 404 client_not_found', async () => {
    const res = await post('/v1/admin/clients/no-such-client/revoke');
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(res.json().code, 'client_not_found');
  });

  it('revoking a client twice answers 409 client_already_revoked, and the first revocation stands', async () => {
    const created = await post('/v1/admin/clients', { name: '은행 창구', role: 'verifier' });
    assert.equal(created.statusCode, 201, created.body);
    const { id, apiKey } = created.json<{ id: string; apiKey: string }>();
    assert.equal((await post(`/v1/admin/clients/${id}/revoke`)).statusCode, 200);
    const again = await post(`/v1/admin/clients/${id}/revoke`);
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, 'client_already_revoked');
    const use = await t.app.inject({ method: 'POST', url: '/v1/verifier/counter-nonces', headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(use.json().code, 'revoked_api_key');
  });

  it('a bad role, type list or rate limit is refused by the schema over HTTP and by its own code in the domain (CLI)', async () => {
    const res = await post('/v1/admin/clients', { name: 'x', role: 'root' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'invalid_request');
    const deps = { store: t.runtime.store, clock: t.runtime.clock, actor: 'test', catalog: t.runtime.catalog };
    assert.deepEqual(await refusal(createClient(deps, { name: 'x', role: 'root' as never, types: null, rateLimit: null })), {
      code: 'invalid_client_role',
      status: 400,
    });
    assert.deepEqual(await refusal(createClient(deps, { name: 'x', role: 'issuer', types: ['Not A Type'], rateLimit: null })), {
      code: 'invalid_client_types',
      status: 400,
    });
    // An empty list never widens to every type; a type the catalogue does not hold, or types on an admin, are refused.
    for (const [role, types] of [
      ['issuer', []],
      ['issuer', ['driver-licence']],
      ['verifier', ['resident-id', 'no-such-type']],
      ['admin', ['resident-id']],
    ] as const) {
      assert.deepEqual(await refusal(createClient(deps, { name: 'x', role, types: [...types], rateLimit: null })), {
        code: 'invalid_client_types',
        status: 400,
      });
    }
    assert.deepEqual(await refusal(createClient(deps, { name: 'x', role: 'issuer', types: null, rateLimit: -1 })), {
      code: 'invalid_rate_limit',
      status: 400,
    });
    assert.deepEqual(await refusal(createClient(deps, { name: '', role: 'issuer', types: null, rateLimit: null })), {
      code: 'invalid_client_name',
      status: 400,
    });
  });

  it('an empty type list over HTTP is refused and creates nothing; a restricted issuer issues only its types', async () => {
    const before = (await t.app.inject({ url: '/v1/admin/clients', headers: { authorization: `Bearer ${admin}` } })).json<unknown[]>()
      .length;
    for (const types of [[], ['driver-licence']]) {
      const res = await post('/v1/admin/clients', { name: 'empty types', role: 'issuer', types });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'invalid_client_types');
    }
    const after = (await t.app.inject({ url: '/v1/admin/clients', headers: { authorization: `Bearer ${admin}` } })).json<unknown[]>()
      .length;
    assert.equal(after, before, 'nothing stored by a refused request');
    const created = await post('/v1/admin/clients', { name: 'licences only', role: 'issuer', types: ['driver-license'] });
    assert.equal(created.statusCode, 201, created.body);
    const key = created.json<{ apiKey: string }>().apiKey;
    const issue = (type: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${key}` },
        payload: { type, claims: t.runtime.catalog.get(type)!.example as object },
      });
    assert.equal((await issue('driver-license')).statusCode, 201);
    assert.equal((await issue('resident-id')).statusCode, 403);
  });

  it('retiring an unknown key answers 404 key_not_found; the active key 409 key_active', async () => {
    const missing = await post('/v1/admin/keys/no-such-kid/retire', {});
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal(missing.json().code, 'key_not_found');
    const keys = (await t.app.inject({ method: 'GET', url: '/v1/admin/keys', headers: { authorization: `Bearer ${admin}` } })).json<
      { kid: string; state: string }[]
    >();
    const active = keys.find((k) => k.state === 'active')!;
    const res = await post(`/v1/admin/keys/${active.kid}/retire`, {});
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().code, 'key_active');
  });

  it('generating a second active key of an algorithm is refused with key_already_active (409)', async () => {
    const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
    assert.deepEqual(await refusal(generateKey(deps, t.config.keyAlg)), { code: 'key_already_active', status: 409 });
  });

  it('retiring a key that signed valid credentials needs force (key_still_in_use); retiring it again is key_already_retired', async () => {
    await issueViaApi(t, issuer, 'resident-id', undefined, 'vc+jwt');
    const rotated = await post('/v1/admin/keys/rotate', {});
    assert.equal(rotated.statusCode, 200, rotated.body);
    const old = rotated.json<{ retiring: string }>().retiring;
    const refused = await post(`/v1/admin/keys/${old}/retire`, {});
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, 'key_still_in_use');
    // Force does not skip the handover: nodes that have not polled yet may still sign with it.
    const inHandover = await post(`/v1/admin/keys/${old}/retire`, { force: true });
    assert.equal(inHandover.statusCode, 409, inHandover.body);
    assert.equal(inHandover.json().code, 'key_in_handover');
    t.clock.advance(handoverWindowMs(t.config));
    assert.equal((await post(`/v1/admin/keys/${old}/retire`, { force: true })).statusCode, 200);
    const again = await post(`/v1/admin/keys/${old}/retire`, { force: true });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().code, 'key_already_retired');
  });

  it('a key retired by another node between the read and the write is key_state_changed (409), and stays retired', async () => {
    const rotated = await post('/v1/admin/keys/rotate', {});
    assert.equal(rotated.statusCode, 200, rotated.body);
    const kid = rotated.json<{ retiring: string }>().retiring;
    const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' };
    // The other node acts while this one looks up what the key signed (the step between its read and its write).
    const otherNodeRetires = async (k: string) => {
      await retireKey({ ...deps, actor: 'other node' }, k, { force: true, handoverMs: 0 });
      return null;
    };
    assert.deepEqual(await refusal(retireKey(deps, kid, { latestExpiry: otherNodeRetires, handoverMs: 0 })), {
      code: 'key_state_changed',
      status: 409,
    });
    assert.equal((await t.runtime.store.keys.get(kid))?.state, 'retired');
  });
  it("rotating again inside the last rotation's handover is rotation_in_handover (409) and changes nothing; force rotates", async () => {
    t.clock.advance(handoverWindowMs(t.config));
    const first = await post('/v1/admin/keys/rotate', {});
    assert.equal(first.statusCode, 200, first.body);
    const before = (await t.runtime.store.keys.list()).map((k) => `${k.kid}:${k.state}`).sort();
    // Nodes still sign with the key before it; a second rotation now would make them sign with
    // a key that verifiers' cached JWKS copies may lack.
    const refused = await post('/v1/admin/keys/rotate', {});
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, 'rotation_in_handover');
    assert.deepEqual((await t.runtime.store.keys.list()).map((k) => `${k.kid}:${k.state}`).sort(), before, 'nothing changed');
    const forced = await post('/v1/admin/keys/rotate', { force: true });
    assert.equal(forced.statusCode, 200, forced.body);
    assert.equal(forced.json<{ retiring: string }>().retiring, first.json<{ active: { kid: string } }>().active.kid);
    // Once the handover is over, rotating needs no force.
    t.clock.advance(handoverWindowMs(t.config));
    assert.equal((await post('/v1/admin/keys/rotate', {})).statusCode, 200);
  });
  it('a compromised key is retired inside its handover, whatever it signed, and the node signs with the new key at once', async () => {
    t.clock.advance(handoverWindowMs(t.config));
    const rotated = await post('/v1/admin/keys/rotate', {});
    assert.equal(rotated.statusCode, 200, rotated.body);
    const { active, retiring: old } = rotated.json<{ active: { kid: string }; retiring: string }>();
    // Something the old key signed is still valid; inside the handover the node still signs with it.
    const issued = await issueViaApi(t, await t.apiKey('issuer'), 'resident-id', undefined);
    assert.ok(issued);
    assert.equal(t.runtime.keys.signer('ES256').kid, old);
    for (const [body, code] of [
      [{}, 'key_still_in_use'],
      [{ force: true }, 'key_in_handover'],
    ] as const) {
      const refused = await post(`/v1/admin/keys/${old}/retire`, body);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, code);
      assert.equal((await t.runtime.store.keys.get(old))?.state, 'retiring', 'nothing changed');
    }
    const done = await post(`/v1/admin/keys/${old}/retire`, { compromised: true });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json<{ compromised: boolean }>().compromised, true);
    assert.equal((await t.runtime.store.keys.get(old))?.state, 'retired');
    assert.equal(t.runtime.keys.signer('ES256').kid, active.kid, 'no handover for a compromised key');
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>();
    assert.ok(!jwks.keys.some((k) => k.kid === old), 'the compromised key is no longer published');
    const audit = await t.runtime.store.db
      .selectFrom('audit_events')
      .selectAll()
      .where('subject', '=', `key:${old}`)
      .where('action', '=', 'key.retire')
      .executeTakeFirstOrThrow();
    assert.match(String(audit.detail), /"compromised":true/);
    const bad = await post(`/v1/admin/keys/${active.kid}/retire`, { compromised: 'yes' });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().code, 'invalid_request');
  });
});
