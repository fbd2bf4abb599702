/**
 * Migration 0020: the access tokens a grant operation can retire (a refresh token's rotation or
 * reuse, a reused authorization code) name their offer in `family_offer_id`, and only those are
 * indexed, so retiring a grant's tokens no longer reads the whole table. Tokens stored before
 * the migration are all named; a pre-authorized token without a refresh token is not; the
 * delete by grant uses the partial index on both stores; migrating down drops the column.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeTargets } from '../helpers/stores.js';
import { useMigrationTarget, type MigrationTarget } from '../helpers/migration-target.js';
import { queryPlan } from '../helpers/query-plan.js';
import { offerRow } from '../helpers/offer-row.js';

const BEFORE = '0019-credential-notification';
const THIS = '0020-access-token-family';
const HOUR = 3_600_000;

for (const backend of storeTargets()) {
  describe(`migration 0020 on ${backend}`, () => {
    const target = useMigrationTarget(backend);

    const families = async (m: MigrationTarget) =>
      Object.fromEntries(
        (await m.store.db.selectFrom('vci_access_tokens').select(['token_hash', 'family_offer_id']).orderBy('token_hash').execute()).map(
          (r) => [r.token_hash, r.family_offer_id],
        ),
      );

    it('names the tokens stored before, and back down without the column', async () => {
      const m = target();
      const { db } = m;
      await m.migrateTo(BEFORE);
      const now = Date.now();
      await sql`INSERT INTO vci_access_tokens (token_hash, offer_id, created_at, expires_at) VALUES ('t0', 'o0', ${now}, ${now + HOUR})`.execute(
        db,
      );
      assert.deepEqual(await m.migrateTo(THIS), [THIS]);
      assert.deepEqual(await families(m), { t0: 'o0' });

      await m.migrateTo(BEFORE);
      await assert.rejects(sql`SELECT family_offer_id FROM vci_access_tokens`.execute(db));
      const kept = await sql<{ token_hash: string }>`SELECT token_hash FROM vci_access_tokens`.execute(db);
      assert.deepEqual(kept.rows, [{ token_hash: 't0' }]);
      assert.deepEqual(await m.migrateTo(THIS), [THIS]);
      // A token from before the column is retired with its grant like one stored since.
      assert.equal(await m.store.refreshTokens.revokeFamily('o0', Date.now()), 1);
      assert.deepEqual(await families(m), {});
    });

    // A store of its own: this test does not lean on the row the one above leaves.
    const tokens = useMigrationTarget(backend);
    it('a pre-authorized token is named only with a refresh token, and revoking a grant deletes its tokens and no other', async () => {
      const m = tokens();
      await m.migrateTo(THIS);
      const { store } = m;
      const offer = async (id: string, now: number) => store.vci.insertOffer(offerRow(id, now, now + HOUR));
      const now = Date.now();
      await offer('plain', now);
      await offer('refreshing', now);
      assert.equal(await store.vci.redeem('plain', now, { hash: 'tp', expiresAt: now + HOUR }), true);
      const refresh = { token_hash: 'rr', offer_id: 'refreshing', created_at: now, expires_at: now + 2 * HOUR, used_at: null };
      assert.equal(await store.vci.redeem('refreshing', now, { hash: 'tr', expiresAt: now + HOUR }, refresh), true);
      assert.deepEqual(await families(m), { tp: null, tr: 'refreshing' });

      assert.equal(await store.refreshTokens.revokeFamily('refreshing', Date.now()), 2);
      assert.deepEqual(await families(m), { tp: null });
      assert.equal(
        await store.refreshTokens.revokeFamily('plain', Date.now()),
        0,
        'a token without a refresh token has no family to revoke',
      );
      assert.deepEqual(await families(m), { tp: null });
    });

    // On a store of its own, migrated before any row exists: on PostgreSQL an index built over the
    // dead row versions of the migration's UPDATE (test 1) is marked indcheckxmin, and planners of
    // transactions whose snapshot predates it (any other database's long transaction) skip it
    // until those end; the production path is the same, only this check would then be flaky.
    const fresh = useMigrationTarget(backend);
    it('the delete by grant reads the partial index, not the table', async () => {
      const m = fresh();
      assert.deepEqual((await m.migrateTo(THIS)).at(-1), THIS);
      const { db } = m;
      const text = await queryPlan(backend, db, sql`DELETE FROM vci_access_tokens WHERE family_offer_id = ${'o1'}`);
      assert.match(text, /vci_access_tokens_family/, text);
    });
  });
}
