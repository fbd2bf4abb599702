import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issue 22: a refresh (rotation) and a reused refresh token or authorization code (RFC 9700
 * §4.14.2, RFC 6749 §4.1.2) delete the access tokens of one grant. `offer_id` had no index, so
 * each of those deletes read the whole table: ~8 ms for the 120,000 live tokens of 400 flows/s
 * with 300 s tokens, on SQLite's single writer, on every refresh. A full index would cost every
 * token one more B-tree page in its commit, for the pre-authorized flows too, which nothing ever
 * deletes by grant. So the tokens that a grant operation can retire name their offer in
 * `family_offer_id` (null otherwise), and only those are in the index (partial: SQLite and
 * PostgreSQL both have it, and both use it for `family_offer_id = ?`). The tokens stored before
 * are all named: more than needed, never fewer.
 */
export const accessTokenFamily = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_access_tokens').addColumn('family_offer_id', 'varchar(64)').execute();
  await sql`UPDATE vci_access_tokens SET family_offer_id = offer_id`.execute(db);
  await db.schema
    .createIndex('vci_access_tokens_family')
    .on('vci_access_tokens')
    .column('family_offer_id')
    .where(sql.ref('family_offer_id'), 'is not', null)
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('vci_access_tokens_family').execute();
  await db.schema.alterTable('vci_access_tokens').dropColumn('family_offer_id').execute();
}
