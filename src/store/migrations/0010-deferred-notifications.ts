import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * OpenID4VCI issuance beyond one response per offer (issue 18): an access token serves several
 * credential requests (each credential configuration it covers at most once), deferred issuance
 * (§9) and notifications (§11). Secrets are stored as SHA-256 hashes, as in 0003.
 */
export const deferredNotifications = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // Every configuration an offer covers (JSON array; NULL = only `configuration_id`), and whether
  // the agency defers issuance of this offer (1) until it completes or refuses it.
  await db.schema.alterTable('vci_offers').addColumn('configuration_ids', 'text').execute();
  await db.schema.alterTable('vci_offers').addColumn('deferred', 'integer').execute();

  // One row per configuration of an offer that was issued (or deferred): the primary key is
  // what makes "at most once per configuration" hold across nodes.
  await db.schema
    .createTable('vci_offer_issuances')
    .addColumn('offer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('configuration_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vci_offer_issuances_pk', ['offer_id', 'configuration_id'])
    .execute();

  // Deferred issuance transactions (§9). `claims` are held only while the transaction can still
  // lead to credentials; `holder_jwks` are the proven public keys the credentials will bind to.
  await db.schema
    .createTable('vci_deferred')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('transaction_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('offer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('configuration_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('holder_jwks', 'text', (c) => c.notNull())
    .addColumn('claims', 'text')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('collected_at', 'bigint')
    .execute();
  await db.schema.createIndex('vci_deferred_expires').on('vci_deferred').column('expires_at').execute();
  await db.schema.createIndex('vci_deferred_client').on('vci_deferred').columns(['client_id', 'state']).execute();

  // Notifications (§11): one notification_id per credential response, bound to the access token
  // that received it; the event the wallet reported, per credential.
  await db.schema
    .createTable('vci_notifications')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('event', 'varchar(32)')
    .addColumn('event_at', 'bigint')
    .execute();
  await db.schema
    .createTable('vci_notification_credentials')
    .addColumn('credential_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('notification_id', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('vci_notification_credentials_notification')
    .on('vci_notification_credentials')
    .column('notification_id')
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vci_notification_credentials').execute();
  await db.schema.dropTable('vci_notifications').execute();
  await db.schema.dropTable('vci_deferred').execute();
  await db.schema.dropTable('vci_offer_issuances').execute();
  await db.schema.alterTable('vci_offers').dropColumn('deferred').execute();
  await db.schema.alterTable('vci_offers').dropColumn('configuration_ids').execute();
}
