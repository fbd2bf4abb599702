/**
 * The OpenID4VCI purge (purge-expired-vci-state.ts) runs once a minute, also inside offer and
 * nonce requests, over tables that keep a day of rows past their expiry. Each of its statements
 * reads through an index of its own range (migration 0021, both stores), and the purge still
 * removes exactly what it did: claims of expired offers, offers a day past expiry with their
 * issuance rows, notifications a day past expiry.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql, type RawBuilder } from 'kysely';
import { storeTargets } from '../helpers/stores.js';
import { useMigrationTarget } from '../helpers/migration-target.js';
import { queryPlan } from '../helpers/query-plan.js';
import { offerRow } from '../helpers/offer-row.js';
import { purgeVciState } from '../../src/issuance/purge-expired-vci-state.js';
import { EXPIRED_ROW_KEEP_MS } from '../../src/issuance/vci-deps.js';

const LATEST = '0021-purge-indexes';
const NOW = 1_800_000_000_000;

// The purge's statements, as the repositories (vci-repo.ts, vci-issuance-repo.ts) write them.
const STATEMENTS: { name: string; statement: RawBuilder<unknown>; indexes: string[] }[] = [
  {
    name: "clearing expired offers' claims",
    statement: sql`UPDATE vci_offers SET claims = NULL WHERE expires_at <= ${NOW} AND claims IS NOT NULL`,
    indexes: ['vci_offers_claims_expires'],
  },
  {
    name: "clearing expired deferred transactions' claims",
    statement: sql`UPDATE vci_deferred SET claims = NULL WHERE expires_at <= ${NOW} AND claims IS NOT NULL`,
    indexes: ['vci_deferred_claims_expires'],
  },
  {
    name: 'deleting old notifications',
    statement: sql`DELETE FROM vci_notifications WHERE expires_at <= ${NOW}`,
    indexes: ['vci_notifications_expires'],
  },
  {
    name: 'deleting the issuance rows of old offers',
    statement: sql`DELETE FROM vci_offer_issuances WHERE offer_id IN (SELECT id FROM vci_offers WHERE expires_at <= ${NOW})`,
    indexes: ['vci_offers_expires'],
  },
];

for (const backend of storeTargets()) {
  describe(`the OpenID4VCI purge on ${backend}`, () => {
    // A store migrated before any row exists (see access-token-family-migration.test.ts on indcheckxmin).
    const fresh = useMigrationTarget(backend);
    it('reads every range through an index, no table from end to end', async () => {
      const { db } = fresh();
      await fresh().migrateTo(LATEST);
      for (const { name, statement, indexes } of STATEMENTS) {
        const text = await queryPlan(backend, db, statement);
        for (const index of indexes) assert.match(text, new RegExp(index), `${name}: ${text}`);
        // SQLite says SCAN for a pass over a whole table or index, PostgreSQL Seq Scan.
        assert.doesNotMatch(text, backend === 'sqlite' ? /"detail":"SCAN / : /Seq Scan/, `${name}: ${text}`);
      }
    });

    const target = useMigrationTarget(backend);
    it('clears claims, deletes old offers with their issuance rows and old notifications, and keeps the rest', async () => {
      const m = target();
      await m.migrateTo(LATEST);
      const { store } = m;
      const old = NOW - EXPIRED_ROW_KEEP_MS - 1;
      const offer = (id: string, expiresAt: number) => offerRow(id, expiresAt - 600_000, expiresAt);
      await store.db
        .insertInto('vci_offers')
        .values([offer('old', old), offer('expired', NOW - 1_000), offer('live', NOW + 60_000)])
        .execute();
      await store.db
        .insertInto('vci_offer_issuances')
        .values([
          { offer_id: 'old', configuration_id: 'a', issued_at: old - 1 },
          { offer_id: 'old', configuration_id: 'b', issued_at: old - 1 },
          { offer_id: 'expired', configuration_id: 'a', issued_at: NOW - 2_000 },
          { offer_id: 'live', configuration_id: 'a', issued_at: NOW - 1 },
        ])
        .execute();
      const notification = (id: string, expiresAt: number) => ({
        id,
        token_hash: `t-${id}`,
        created_at: expiresAt - 300_000,
        expires_at: expiresAt,
        event: null,
        event_at: null,
      });
      await store.db
        .insertInto('vci_notifications')
        .values([notification('n-old', old), notification('n-expired', NOW - 1_000), notification('n-live', NOW + 1_000)])
        .execute();

      await purgeVciState(store, NOW, EXPIRED_ROW_KEEP_MS);

      const offers = await store.db.selectFrom('vci_offers').select(['id', 'claims']).orderBy('id').execute();
      assert.deepEqual(offers, [
        { id: 'expired', claims: null },
        { id: 'live', claims: '{"id":"live"}' },
      ]);
      const issuances = await store.db.selectFrom('vci_offer_issuances').select(['offer_id']).orderBy('offer_id').execute();
      assert.deepEqual(
        issuances.map((r) => r.offer_id),
        ['expired', 'live'],
      );
      const notifications = await store.db.selectFrom('vci_notifications').select('id').orderBy('id').execute();
      assert.deepEqual(
        notifications.map((r) => r.id),
        ['n-expired', 'n-live'],
      );
    });
  });
}
