import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Sender-constrained access tokens (RFC 9449 §6): an OpenID4VCI access token issued to a DPoP
 * proof remembers the RFC 7638 thumbprint of the proof's key (`cnf.jkt`), and the credential
 * endpoint then accepts it only with a DPoP proof signed by that key. `wallet_client` is the
 * `sub` of the wallet attestation the token request carried (attest_jwt_client_auth), if any.
 * DPoP `jti`s and server nonces live in consumed_nonces (0004), which every node shares.
 */
export const dpopTokenBinding = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_access_tokens').addColumn('dpop_jkt', 'varchar(64)').execute();
  await db.schema.alterTable('vci_access_tokens').addColumn('wallet_client', 'varchar(255)').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vci_access_tokens').dropColumn('wallet_client').execute();
  await db.schema.alterTable('vci_access_tokens').dropColumn('dpop_jkt').execute();
}
