import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import { openMigratedStore, storeTargets } from '../helpers/stores.js';

// The same repository suite on every back end: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
for (const backend of storeTargets()) {
  describe(`repositories on ${backend}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await openMigratedStore(backend));
    });
    afterAll(() => close());

    it('applies migrations once and then reports nothing to do', async () => {
      assert.deepEqual((await store.migrate()).applied, []);
      await store.ping();
    });

    it('stores, lists and revokes API clients', async () => {
      const base = { name: '은행 A', role: 'verifier' as const, keyHash: 'ab'.repeat(32), rateLimit: 0 };
      await store.clients.insert({ ...base, id: 'c0000000000000001', types: ['resident-id'], createdAt: 1_700_000_000_000 });
      await store.clients.insert({ ...base, id: 'c0000000000000002', types: null, createdAt: 1_700_000_000_001, rateLimit: null });
      const got = await store.clients.get('c0000000000000001');
      assert.deepEqual(got, { ...base, id: 'c0000000000000001', types: ['resident-id'], createdAt: 1_700_000_000_000, revokedAt: null });
      assert.equal(typeof got?.createdAt, 'number');
      assert.deepEqual(
        (await store.clients.list()).map((c) => c.id),
        ['c0000000000000001', 'c0000000000000002'],
      );
      assert.equal(await store.clients.revoke('c0000000000000001', 1_700_000_000_500), true);
      assert.equal(await store.clients.revoke('c0000000000000001', 1_700_000_000_600), false, 'second revoke changes nothing');
      assert.equal((await store.clients.get('c0000000000000001'))?.revokedAt, 1_700_000_000_500);
      assert.equal(await store.clients.get('nope'), undefined);
    });

    it('refuses a second client with the same id and keeps the first', async () => {
      const c = { id: 'c00000000000000aa', name: 'x', role: 'issuer' as const, types: null, keyHash: '00', rateLimit: null, createdAt: 1 };
      await store.clients.insert(c);
      await assert.rejects(store.clients.insert({ ...c, name: 'y' }));
      assert.equal((await store.clients.get(c.id))?.name, 'x');
    });

    it('rotates keys so that exactly one key per algorithm is active', async () => {
      const key = (kid: string, alg = 'ES256') => ({ kid, alg, publicJwk: { kty: 'EC', kid }, file: `${kid}.key.json`, createdAt: 10 });
      assert.deepEqual(await store.keys.activate(key('k1'), 100), { previous: undefined });
      assert.deepEqual(await store.keys.activate(key('k2'), 200), { previous: 'k1' });
      await store.keys.activate(key('e1', 'EdDSA'), 250);
      const states = Object.fromEntries((await store.keys.list()).map((k) => [k.kid, k.state]));
      assert.deepEqual(states, { k1: 'retiring', k2: 'active', e1: 'active' });
      assert.equal((await store.keys.get('k1'))?.retiringAt, 200);
      assert.deepEqual((await store.keys.get('k2'))?.publicJwk, { kty: 'EC', kid: 'k2' });
    });

    it('refuses a second active key of one algorithm at the database level', async () => {
      await assert.rejects(
        store.db
          .insertInto('signing_keys')
          .values({
            kid: 'rogue',
            alg: 'ES256',
            state: 'active',
            public_jwk: '{}',
            file: 'x',
            created_at: 1,
            activated_at: 1,
            retiring_at: null,
            retired_at: null,
          })
          .execute(),
      );
      const active = (await store.keys.list()).filter((k) => k.alg === 'ES256' && k.state === 'active');
      assert.equal(active.length, 1);
    });

    it('retires only retiring keys', async () => {
      assert.equal(await store.keys.retire('k2', 300), false, 'the active key is not retired');
      assert.equal(await store.keys.retire('k1', 300), true);
      assert.equal(await store.keys.retire('k1', 400), false);
      assert.equal((await store.keys.get('k1'))?.state, 'retired');
      assert.match(await store.keys.version(), /k1:retired/);
    });

    it('records audit events without losing their detail', async () => {
      await store.audit.record({ at: 5, actor: 'cli', action: 'client.create', subject: 'client:c1', detail: { role: 'issuer' } });
      await store.audit.record({ at: 6, actor: 'cli', action: 'client.revoke', subject: 'client:c1' });
      assert.deepEqual(await store.audit.forSubject('client:c1'), [
        { at: 5, actor: 'cli', action: 'client.create', subject: 'client:c1', detail: { role: 'issuer' } },
        { at: 6, actor: 'cli', action: 'client.revoke', subject: 'client:c1' },
      ]);
    });

    it('takes a verifier request once among concurrent answers (group-committed) and stores its result', async () => {
      const base = { name: 'verifier', role: 'verifier' as const, keyHash: 'cd'.repeat(32), rateLimit: 0, types: null };
      await store.clients.insert({ ...base, id: 'c00000000000000vr', createdAt: 1_700_000_000_000 });
      const rec = {
        id: 'vr-take-once',
        client_id: 'c00000000000000vr',
        state: 'S'.repeat(22),
        nonce: 'n'.repeat(22),
        dcql_query: '{}',
        purpose: null,
        webhook_url: null,
        status: 'pending' as const,
        created_at: 1_000,
        expires_at: 10_000,
        responded_at: null,
        result: null,
        result_read_at: null,
        purge_at: 20_000,
        verifier_client_id: null,
        request_uri_method: null,
        redirect_uri: null,
      };
      await store.verifierRequests.insert(rec);
      const takes = await Promise.all(Array.from({ length: 8 }, () => store.verifierRequests.take(rec.id, 2_000)));
      assert.equal(takes.filter(Boolean).length, 1);
      await store.verifierRequests.insert({ ...rec, id: 'vr-expired', state: 'E'.repeat(22) });
      assert.equal(await store.verifierRequests.take('vr-expired', 10_000), false, 'expired');
      await store.verifierRequests.complete(rec.id, 'verified', '{"ok":true}', 30_000);
      const got = await store.verifierRequests.byState(rec.state);
      assert.equal(got?.status, 'verified');
      assert.equal(got?.result, '{"ok":true}');
      assert.equal(Number(got?.responded_at), 2_000);
      assert.equal(Number(got?.purge_at), 30_000);
    });
  });
}
