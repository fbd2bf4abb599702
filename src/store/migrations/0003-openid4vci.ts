import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * OpenID4VCI 1.0 state, in the store so that any node can serve any step of a flow and a
 * consumed code or nonce stays consumed after a restart. Secrets are never stored: offers are
 * found by the SHA-256 of their reference, pre-authorized codes, transaction codes, access
 * tokens and nonces by their SHA-256 too.
 */
export const openid4vci = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // One row per credential offer (§4.1) and its pre-authorized code (1:1, §3.5). `claims` holds
  // the validated claims only while the offer can still lead to a credential: it is set to NULL
  // when the credentials are issued, when the code is burned, and by the purge once expired.
  // `expires_at` is when the code expires; after redemption, when the access token expires.
  await db.schema
    .createTable('vci_offers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('ref_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(64)', (c) => c.notNull())
    .addColumn('format', 'varchar(32)', (c) => c.notNull())
    .addColumn('configuration_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('claims', 'text')
    .addColumn('tx_code_hash', 'varchar(64)')
    .addColumn('tx_code_length', 'integer')
    .addColumn('tx_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .addColumn('burned_at', 'bigint')
    .addColumn('issued_at', 'bigint')
    .execute();
  await db.schema.createIndex('vci_offers_expires').on('vci_offers').column('expires_at').execute();

  // Access tokens from the token endpoint (§6), bound to one offer.
  await db.schema
    .createTable('vci_access_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('offer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vci_access_tokens_expires').on('vci_access_tokens').column('expires_at').execute();

  // c_nonce values from the nonce endpoint (§7), single-use.
  await db.schema
    .createTable('vci_nonces')
    .addColumn('nonce_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('vci_nonces_expires').on('vci_nonces').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vci_nonces').execute();
  await db.schema.dropTable('vci_access_tokens').execute();
  await db.schema.dropTable('vci_offers').execute();
}
