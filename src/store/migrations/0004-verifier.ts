import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export const verifier = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // OpenID4VP requests made by verifier clients. `state` is what the wallet echoes back with
  // direct_post; `responded_at` is set by ONE conditional UPDATE, so a response is taken once.
  // `result` holds disclosed claim values only until the verifier reads it (then nulled) or
  // the retention passes (then the row is deleted).
  await db.schema
    .createTable('verifier_requests')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('nonce', 'varchar(64)', (c) => c.notNull())
    .addColumn('dcql_query', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('webhook_url', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('responded_at', 'bigint')
    .addColumn('result', 'text')
    .addColumn('result_read_at', 'bigint')
    .addColumn('purge_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('verifier_requests_purge').on('verifier_requests').column('purge_at').execute();

  // Receipts: who verified what kind of credential, which claim NAMES, when, the verdict.
  // Never claim values. `holder_jkt` (RFC 7638 thumbprint of cnf.jwk) lets the holder list them.
  await db.schema
    .createTable('verification_receipts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('verifier_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('request_id', 'varchar(64)')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('credential_type', 'varchar(255)')
    .addColumn('issuer', 'varchar(255)')
    .addColumn('claim_names', 'text', (c) => c.notNull())
    .addColumn('verdict', 'varchar(16)', (c) => c.notNull())
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('holder_jkt', 'varchar(128)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('verification_receipts_holder').on('verification_receipts').columns(['holder_jkt', 'at']).execute();

  // Single-use values chosen by wallets (counter-QR KB-JWT nonces, history JWT jti): the first
  // INSERT wins, a second one conflicts on the primary key. Kept until they could no longer be
  // accepted anyway (their JWT's iat is too old), then purged.
  await db.schema
    .createTable('consumed_nonces')
    .addColumn('nonce_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consumed_nonces_expires').on('consumed_nonces').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consumed_nonces').execute();
  await db.schema.dropTable('verification_receipts').execute();
  await db.schema.dropTable('verifier_requests').execute();
}
