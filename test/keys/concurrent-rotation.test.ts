/**
 * Two operators (or two nodes' admin APIs) rotating the same algorithm at once: whatever the
 * interleaving, each rotation either goes through or is refused with key_state_changed (409, never
 * a 500), exactly one key of the algorithm is active afterwards, and every key a rotation that went
 * through displaced is retiring (none lost between two transactions). On PostgreSQL the rotations
 * really overlap (a pool of connections, READ COMMITTED); on SQLite they take the write lock in turn.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rotateKey } from '../../src/keys/manage-keys.js';
import { isAppError } from '../../src/errors.js';

const ROTATIONS = 6;

for (const backend of storeTargets()) {
  it(`${ROTATIONS} rotations at once leave one active key, and each one that failed says key_state_changed (${backend})`, async () => {
    const t = await startTestApp({ store: backend });
    try {
      const alg = t.config.keyAlg;
      const before = await t.runtime.store.keys.list();
      const deps = { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.clock, actor: 'test' };
      const outcomes = await Promise.allSettled(Array.from({ length: ROTATIONS }, () => rotateKey(deps, alg, { handoverMs: 0, force: true })));

      const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        assert.ok(isAppError(o.reason), `a rotation failed with ${String(o.reason)}`);
        assert.equal(o.reason.code, 'key_state_changed');
        assert.equal(o.reason.status, 409);
      }
      assert.ok(done.length >= 1, 'at least one rotation went through');

      const after = await t.runtime.store.keys.list();
      const active = after.filter((k) => k.alg === alg && k.state === 'active');
      assert.equal(active.length, 1, 'exactly one active key');
      assert.ok(
        done.some((d) => d.active.kid === active[0]!.kid),
        'the active key is one a rotation that went through made',
      );
      // Each rotation that went through displaced a different key, and every displaced key is retiring.
      const displaced = done.map((d) => d.retiring);
      assert.equal(new Set(displaced).size, displaced.length, 'no key displaced twice');
      for (const kid of displaced) assert.equal(after.find((k) => k.kid === kid)?.state, 'retiring', `${kid} is retiring`);
      // Refused rotations left no row: the keys are those before plus one per rotation that went through.
      assert.equal(after.length, before.length + done.length);
    } finally {
      await t.close();
    }
  });
}
