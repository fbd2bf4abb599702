import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * The Authorization Code Flow (OpenID4VCI §3.4, issue 18): one row per pushed authorization
 * request (RFC 9126), from the PAR through the citizen's login at the identity provider to the
 * authorization code. Secrets are stored as SHA-256 only: the request_uri, the `state` sent to
 * the identity provider (its nonce and PKCE verifier are derived from it, never stored). The
 * code and the claims live in a `vci_offers` row made at the callback (`code_offer_id`), so the
 * token and credential endpoints serve both flows; those claims are sealed (AES-GCM) under a key
 * derived from the code, then from the access token, and deleted at issuance.
 */
export const authorizationRequests = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authorization_requests')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('request_uri_hash', 'varchar(64)', (c) => c.notNull().unique())
    // The wallet: its client_id, redirect_uri, PKCE S256 challenge and state (RFC 6749 §4.1.1, RFC 7636).
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'text')
    // What is asked for: one credential configuration, by authorization_details (JSON) or scope.
    .addColumn('configuration_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('authorization_details', 'text')
    .addColumn('scope', 'varchar(255)')
    // The credential offer `issuer_state` bound the request to, if any; and the issuer client.
    .addColumn('offer_id', 'varchar(64)')
    .addColumn('issuer_client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('idp_state_hash', 'varchar(64)', (c) => c.unique())
    // The vci_offers row holding the authorization code's hash and the sealed claims.
    .addColumn('code_offer_id', 'varchar(64)', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // request_uri expiry; once started, the end of the login window.
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('outcome', 'varchar(32)')
    .execute();
  await db.schema.createIndex('authorization_requests_expires').on('authorization_requests').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('authorization_requests').execute();
}
