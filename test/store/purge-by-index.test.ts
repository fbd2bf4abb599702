/**
 * The OpenID4VCI purge (purge-expired-vci-state.ts) runs once a minute, also inside offer and
 * nonce requests, over tables that keep a day of rows past their expiry. Each of its statements
 * reads through an index of its own range (migration 0021, both stores), and the purge still
 * removes exactly what it did: claims of expired offers, offers a day past expiry with their
 * issuance rows, notifications a day past expiry.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.js';
import { useMigrationTarget } from '../helpers/migration-target.js';
import { queryPlan } from '../helpers/query-plan.js';
import { offerRow } from '../helpers/offer-row.js';
import { purgeVciState } from '../../src/issuance/purge-expired-vci-state.js';
import { EXPIRED_ROW_KEEP_MS } from '../../src/issuance/vci-deps.js';

const LATEST = '0021-purge-indexes';
const NOW = 1_800_000_000_000;

// What the plans of the purge's statements must name between them (migrations 0003 and 0021).
const INDEXES = ['vci_offers_claims_expires', 'vci_deferred_claims_expires', 'vci_notifications_expires', 'vci_offers_expires'];

for (const backend of storeTargets()) {
  describe(`the OpenID4VCI purge on ${backend}`, () => {
    // A store migrated before any row exists (see access-token-family-migration.test.ts on indcheckxmin).
    const fresh = useMigrationTarget(backend);
    it('reads every range through an index, no table from end to end', async () => {
      const m = fresh();
      await m.migrateTo(LATEST);
      const { store, db } = m;
      const queries = [...store.vciIssuance.purgeQueries(NOW, EXPIRED_ROW_KEEP_MS), ...store.vci.purgeQueries(NOW, EXPIRED_ROW_KEEP_MS)];
      const plans: string[] = [];
      for (const q of queries) {
        const text = await queryPlan(backend, db, q);
        // SQLite says SCAN for a pass over a whole table or index, PostgreSQL Seq Scan.
        assert.doesNotMatch(text, backend === 'sqlite' ? /"detail":"SCAN / : /Seq Scan/, `${q.sql}: ${text}`);
        plans.push(text);
      }
      for (const index of INDEXES)
        assert.ok(
          plans.some((p) => p.includes(index)),
          `no plan uses ${index}: ${plans.join('\n')}`,
        );
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

    const upgraded = useMigrationTarget(backend);
    it('migration 0021 deletes issuance rows an earlier purge left without their offer, and no other', async () => {
      const m = upgraded();
      await m.migrateTo('0020-access-token-family');
      const { store } = m;
      await store.db
        .insertInto('vci_offers')
        .values(offerRow('kept', NOW, NOW + 60_000))
        .execute();
      await store.db
        .insertInto('vci_offer_issuances')
        .values([
          { offer_id: 'kept', configuration_id: 'a', issued_at: NOW },
          { offer_id: 'gone', configuration_id: 'a', issued_at: NOW },
        ])
        .execute();
      assert.deepEqual(await m.migrateTo(LATEST), [LATEST]);
      const left = await store.db.selectFrom('vci_offer_issuances').select('offer_id').execute();
      assert.deepEqual(
        left.map((r) => r.offer_id),
        ['kept'],
      );
    });
  });
}
