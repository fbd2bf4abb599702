import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issue 22: the once-a-minute OpenID4VCI purge (purge-expired-vci-state.ts, also run inline by
 * offer and nonce requests) read whole ranges it did not need:
 * - `vci_notifications` (one row per credential response, kept a day past its expiry) had no
 *   index on `expires_at`: its delete read the whole table.
 * - Clearing the claims of expired offers and deferred transactions (`claims = NULL WHERE
 *   expires_at <= now AND claims IS NOT NULL`) walked `expires_at` over every expired row still
 *   kept (a day of offers, most of them cleared long ago) to find the few that still have claims.
 *   Partial indexes of the rows with claims hold only those few.
 * On SQLite these statements run on the main connection, so a long one stopped the event loop.
 * The purge now deletes issuance rows through the offers it is about to delete, not by `NOT IN`
 * over both tables; the one pass left to `NOT IN` is here, for rows an earlier purge orphaned.
 */
export const purgeIndexes = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM vci_offer_issuances WHERE offer_id NOT IN (SELECT id FROM vci_offers)`.execute(db);
  await db.schema.createIndex('vci_notifications_expires').on('vci_notifications').column('expires_at').execute();
  for (const table of ['vci_offers', 'vci_deferred']) {
    await db.schema
      .createIndex(`${table}_claims_expires`)
      .on(table)
      .column('expires_at')
      .where(sql.ref('claims'), 'is not', null)
      .execute();
  }
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['vci_deferred_claims_expires', 'vci_offers_claims_expires', 'vci_notifications_expires']) {
    await db.schema.dropIndex(name).execute();
  }
}
