import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * DPoP at the deferred credential and notification endpoints (RFC 9449 §7, issue 18): a deferred
 * transaction and a notification outlive the access token row that started them (DEFERRED_TTL
 * is days, the token minutes), so each keeps the RFC 7638 thumbprint the token was bound to
 * (`cnf.jkt`, NULL for a Bearer token). The wallet polls and notifies with that same token, so
 * both tables are looked up by token hash before the body is read.
 */
export const deferredDpopBinding = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_deferred').addColumn('dpop_jkt', 'varchar(64)').execute();
  await db.schema.alterTable('vci_notifications').addColumn('dpop_jkt', 'varchar(64)').execute();
  await db.schema.createIndex('vci_deferred_token').on('vci_deferred').column('token_hash').execute();
  await db.schema.createIndex('vci_notifications_token').on('vci_notifications').column('token_hash').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('vci_notifications_token').execute();
  await db.schema.dropIndex('vci_deferred_token').execute();
  await db.schema.alterTable('vci_notifications').dropColumn('dpop_jkt').execute();
  await db.schema.alterTable('vci_deferred').dropColumn('dpop_jkt').execute();
}
