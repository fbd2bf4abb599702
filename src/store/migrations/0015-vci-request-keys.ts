import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Keys wallets encrypt credential requests to (OpenID4VCI 1.0 §8.2, §10, §12.2.4
 * `credential_request_encryption`; src/issuance/request-encryption/). Like the verifier's response
 * keys (migration 0007) the private half is only ever stored sealed (AES-256-GCM under a key
 * derived from the operator secret), so every node can open it and a copy of the database alone
 * opens nothing. `state` is `active` (the key new metadata lists first) or `previous` (rotated
 * out at `superseded_at`, still listed and accepted for the grace period, then purged). One
 * active key, enforced by the database (a partial unique index, as for signing keys).
 */
export const vciRequestKeys = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vci_request_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('superseded_at', 'bigint')
    .execute();
  await sql`CREATE UNIQUE INDEX vci_request_keys_one_active ON vci_request_keys (state) WHERE state = 'active'`.execute(db);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vci_request_keys').execute();
}
