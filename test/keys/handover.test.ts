/**
 * Publish first, sign later: after a rotation the node publishes the new key at once (its JWKS,
 * cacheable for JWKS_MAX_AGE) and signs with it only KEY_REFRESH_MS + JWKS_MAX_AGE + 1 s after
 * the rotation, when no verifier can still hold a JWKS copy without it. A node that cannot read
 * the key table for that long stops signing (it may have missed a rotation and a retirement).
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.js';
import { pgAvailable, storeTargets } from '../helpers/stores.js';
import pg from 'pg';
import { handoverWindowMs } from '../../src/keys/key-ring.js';
import { rotateKey } from '../../src/keys/manage-keys.js';
import { sql } from 'kysely';
import { AppError } from '../../src/errors.js';
import { waitUntil } from '../helpers/wait-until.js';

for (const backend of storeTargets()) {
  it(`signs with a rotated key only once every JWKS copy cached before it appeared has expired (${backend})`, async () => {
    const t = await startTestApp({ store: backend, env: { KEY_REFRESH_MS: '2000', JWKS_MAX_AGE: '30' } });
    try {
      const jwks = await t.app.inject({ url: '/.well-known/jwks.json' });
      assert.equal(jwks.headers['cache-control'], 'public, max-age=30');
      assert.equal(handoverWindowMs(t.config), 2000 + 30_000 + 1000);

      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.clock, actor: 'test' };
      const { active, retiring } = await rotateKey(deps, t.config.keyAlg, { handoverMs: handoverWindowMs(t.config) });
      assert.ok(retiring);
      await t.runtime.keys.refresh();
      const published = (await t.app.inject({ url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>().keys.map((k) => k.kid);
      assert.deepEqual(published.sort(), [active.kid, retiring].sort(), 'the new key is published at once');

      // A verifier fetched the JWKS just before a node published the new key (up to KEY_REFRESH_MS
      // after the rotation) and keeps that copy for 30 s.
      const rotatedAt = active.activatedAt ?? assert.fail('the new key has its activation time');
      t.clock.advance(rotatedAt + 2000 + 30_000 + 500 - t.clock.now());
      assert.equal(t.runtime.keys.signer(t.config.keyAlg).kid, retiring, 'still the displaced key while such a copy may live');
      t.clock.advance(rotatedAt + handoverWindowMs(t.config) - t.clock.now());
      assert.equal(t.runtime.keys.signer(t.config.keyAlg).kid, active.kid, 'the new key once every such copy has expired');
    } finally {
      await t.close();
    }
  });
}

for (const backend of storeTargets()) {
  it(`stops signing, and turns /readyz red, while it cannot read the key table for a handover; signs again once it can (${backend})`, async () => {
    // Handover 0.1 + 0 + 1 s: the real poll timer runs here, so the window is kept short.
    const t = await startTestApp({ store: backend, env: { KEY_REFRESH_MS: '100', JWKS_MAX_AGE: '0' } });
    const codeOf = () => {
      try {
        t.runtime.keys.signer(t.config.keyAlg);
        return 'signs';
      } catch (e) {
        return e instanceof AppError ? e.code : String(e);
      }
    };
    const readyz = async () => {
      const r = await t.app.inject({ url: '/readyz' });
      const body = r.json<{ code?: string; detail?: string }>();
      return r.statusCode === 200 ? 'ready' : `${r.statusCode} ${body.code}: ${body.detail}`;
    };
    try {
      assert.equal(codeOf(), 'signs');
      assert.equal(await readyz(), 'ready');
      // The store loses the key table (as a poll that keeps failing sees it).
      await sql`ALTER TABLE signing_keys RENAME TO signing_keys_away`.execute(t.runtime.store.db);
      try {
        await waitUntil('the node kept signing without reading its key states', () => codeOf() === 'key_states_stale', 10_000);
        assert.equal(await readyz(), '503 not_ready: not ready: store ok, keys key states not read for a handover, signer ok');
      } finally {
        await sql`ALTER TABLE signing_keys_away RENAME TO signing_keys`.execute(t.runtime.store.db);
      }
      await waitUntil('the node did not sign again once it could read its key states', () => codeOf() === 'signs', 10_000);
      assert.equal(await readyz(), 'ready');
    } finally {
      await t.close();
    }
  });
}

it.skipIf(!pgAvailable())('polls the key table one at a time: a poll that waits on a lock is not joined by another every interval (postgres)', async () => {
  const t = await startTestApp({ store: 'postgres', env: { KEY_REFRESH_MS: '100', JWKS_MAX_AGE: '0' } });
  const locker = new pg.Client({ connectionString: t.config.databaseUrl });
  try {
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE signing_keys IN ACCESS EXCLUSIVE MODE');
    // pg_stat_activity is read from a snapshot taken once per transaction: cleared before each read.
    const waiting = async () =>
      Number(
        (
          await locker.query<{ n: string }>(
            "SELECT pg_stat_clear_snapshot(), (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%signing_keys%' AND pid <> pg_backend_pid()) AS n",
          )
        ).rows[0]?.n,
      );
    await waitUntil('no poll waited on the locked key table', async () => (await waiting()) >= 1, 10_000);
    // Ten poll intervals later, still the one poll waiting.
    const since = Date.now();
    await waitUntil('ten poll intervals did not pass', () => Date.now() - since >= 1000, 10_000);
    assert.equal(await waiting(), 1);
    await locker.query('ROLLBACK');
    await waitUntil('the node did not read its keys again after the lock', () => t.runtime.keys.statesFresh(), 10_000);
  } finally {
    await locker.end().catch(() => undefined);
    await t.close();
  }
});
