import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * A refresh token issued to an attested wallet is bound to the wallet INSTANCE, not only to the
 * wallet app (attestation-based client auth §9.3: the authorization server binds to the client
 * instance and its key): the RFC 7638 thumbprint of the attestation's `cnf.jwk`. Every copy of
 * one wallet app shares the attestation `sub`; only the instance holds that key. NULL for
 * refresh tokens issued without an attestation, and for those issued before this migration.
 */
export const refreshTokenWalletInstance = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_refresh_tokens').addColumn('wallet_instance_jkt', 'varchar(64)').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_refresh_tokens').dropColumn('wallet_instance_jkt').execute();
}
