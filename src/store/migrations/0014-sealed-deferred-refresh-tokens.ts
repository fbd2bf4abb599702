import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issue 18 follow-ups. (1) Claims waiting for a deferred issuance are sealed to a public key of
 * their transaction (src/issuance/deferred/deferred-claims-seal.ts): `vci_deferred.claims_key`
 * holds that PUBLIC key; the private key is derived from the wallet's transaction_id and never
 * stored. Rows from before keep NULL and their plain claims, read as before until they expire.
 * (2) Refresh tokens (RFC 6749 §6, OpenID4VCI §6, REFRESH_TOKEN_TTL_SECONDS): only their SHA-256
 * is stored; single use (`used_at`), one family per offer (the grant), bound to the DPoP key
 * (`dpop_jkt`, RFC 9449 §5) and the attested wallet client of the token request; `claims` are the
 * Authorization Code Flow's claims sealed under the refresh token itself (NULL for pre-authorized
 * offers, whose claims stay in the offer row).
 */
export const sealedDeferredRefreshTokens = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_deferred').addColumn('claims_key', 'text').execute();
  await db.schema
    .createTable('vci_refresh_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('offer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('dpop_jkt', 'varchar(64)')
    .addColumn('wallet_client', 'varchar(255)')
    .addColumn('claims', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('vci_refresh_tokens_offer').on('vci_refresh_tokens').column('offer_id').execute();
  await db.schema.createIndex('vci_refresh_tokens_expires').on('vci_refresh_tokens').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vci_refresh_tokens').execute();
  await db.schema.alterTable('vci_deferred').dropColumn('claims_key').execute();
}
