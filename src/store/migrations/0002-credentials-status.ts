import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export const credentialsStatus = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // Token Status Lists. A list is `open` while new credentials get indices in it and `full`
  // once random picks keep colliding; `version` grows with every status change so nodes know
  // when to re-sign their cached token.
  await db.schema
    .createTable('status_lists')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('bits', 'integer', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // The registry: metadata only, never claim values. (status_list, status_idx) is unique, so
  // an index is never handed out twice; the row and its index commit in one statement.
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('format', 'varchar(32)', (c) => c.notNull())
    .addColumn('status_list', 'varchar(64)', (c) => c.notNull().references('status_lists.id'))
    .addColumn('status_idx', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('kid', 'varchar(128)', (c) => c.notNull())
    .addColumn('holder_jkt', 'varchar(128)')
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('credential_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('status_changed_at', 'bigint')
    .addUniqueConstraint('credentials_status_slot', ['status_list', 'status_idx'])
    .execute();
  await db.schema.createIndex('credentials_kid_expires').on('credentials').columns(['kid', 'expires_at']).execute();
  await db.schema.createIndex('credentials_client_issued').on('credentials').columns(['client_id', 'issued_at']).execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credentials').execute();
  await db.schema.dropTable('status_lists').execute();
}
