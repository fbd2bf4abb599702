/**
 * Migration 0019 moves the credential → notification_id mapping from vci_notification_credentials
 * into a column of the credential record: what a store held before is there after it, the
 * registry's events still read, and migrating down gives the old table back with the same rows.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeTargets } from '../helpers/stores.js';
import { useMigrationTarget } from '../helpers/migration-target.js';

const BEFORE = '0018-authorization-dpop-jkt';
const THIS = '0019-credential-notification';

for (const backend of storeTargets()) {
  describe(`migration 0019 on ${backend}`, () => {
    const target = useMigrationTarget(backend);

    it('carries the mapping over, and back on the way down', async () => {
      const m = target();
      const { store, db } = m;
      await m.migrateTo(BEFORE);
      await sql`INSERT INTO status_lists (id, bits, size, state, version, created_at) VALUES ('l1', 2, 131072, 'open', 1, 1000)`.execute(
        db,
      );
      const credential = (id: string) =>
        sql`INSERT INTO credentials (id, type, format, status_list, status_idx, status, kid, holder_jkt, client_id, issued_at, expires_at, credential_hash, status_changed_at)
            VALUES (${id}, 'resident-id', 'dc+sd-jwt', 'l1', ${Number(id.slice(1))}, 0, 'k1', NULL, 'c1', 1000, 2000, 'h', NULL)`.execute(
          db,
        );
      await credential('c1');
      await credential('c2');
      await credential('c3');
      await sql`INSERT INTO vci_notifications (id, token_hash, created_at, expires_at, event, event_at) VALUES ('n1', 't', 1000, ${Date.now() + 60_000}, 'credential_accepted', 1500)`.execute(
        db,
      );
      await sql`INSERT INTO vci_notification_credentials (credential_id, notification_id) VALUES ('c1', 'n1'), ('c2', 'n1')`.execute(db);

      assert.deepEqual(await m.migrateTo(THIS), [THIS]);
      const rows = await store.db.selectFrom('credentials').select(['id', 'notification_id']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'c1', notification_id: 'n1' },
        { id: 'c2', notification_id: 'n1' },
        { id: 'c3', notification_id: null },
      ]);
      const events = await store.vciIssuance.eventsOf(['c1', 'c2', 'c3']);
      assert.deepEqual([...events.keys()].sort(), ['c1', 'c2']);
      assert.deepEqual(events.get('c1'), { event: 'credential_accepted', at: 1500 });
      await assert.rejects(sql`SELECT count(*) FROM vci_notification_credentials`.execute(db));

      await m.migrateTo(BEFORE);
      const back = await sql<{ credential_id: string; notification_id: string }>`
        SELECT credential_id, notification_id FROM vci_notification_credentials ORDER BY credential_id`.execute(db);
      assert.deepEqual(back.rows, [
        { credential_id: 'c1', notification_id: 'n1' },
        { credential_id: 'c2', notification_id: 'n1' },
      ]);
      assert.deepEqual(await m.migrateTo(THIS), [THIS]);
    });
  });
}
