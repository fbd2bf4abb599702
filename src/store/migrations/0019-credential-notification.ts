import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issue 22: the notification_id a credential was handed out with (OpenID4VCI §11) is a column of
 * its record instead of a row of `vci_notification_credentials`. That table's primary key (the
 * credential id, random) and its index took two more B-tree pages per credential in the commit
 * that stores the records, each its own WAL frame on SQLite; the credential's own row is written
 * in that commit anyway. No index: the events are looked up from the credentials (eventsOf).
 */
export const credentialNotification = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('credentials').addColumn('notification_id', 'varchar(64)').execute();
  await sql`UPDATE credentials SET notification_id = (
      SELECT m.notification_id FROM vci_notification_credentials m WHERE m.credential_id = credentials.id)
    WHERE id IN (SELECT credential_id FROM vci_notification_credentials)`.execute(db);
  await db.schema.dropIndex('vci_notification_credentials_notification').execute();
  await db.schema.dropTable('vci_notification_credentials').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
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
  await sql`INSERT INTO vci_notification_credentials (credential_id, notification_id)
    SELECT id, notification_id FROM credentials WHERE notification_id IS NOT NULL`.execute(db);
  await db.schema.alterTable('credentials').dropColumn('notification_id').execute();
}
