import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issue 17 (HAIP presentation), verifier side:
 * - `api_clients.logo_uri`: a verifier client's logo (https, at most 512 characters, checked at
 *   creation), sent to wallets as `client_metadata.logo_uri` (RFC 7591 §2) beside `client_name`;
 * - `verifier_requests.redirect_uri`: the verifier frontend a same-device request sends the
 *   holder back to (OpenID4VP 1.0 §8.2, §13.3; HAIP 1.0 §5.1); null for a cross-device request.
 *   Its `response_code` is kept as a hash in the single-use value table, not here.
 */
export const verifierLogoSameDevice = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_clients').addColumn('logo_uri', 'varchar(512)').execute();
  await db.schema.alterTable('verifier_requests').addColumn('redirect_uri', 'varchar(512)').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('verifier_requests').dropColumn('redirect_uri').execute();
  await db.schema.alterTable('api_clients').dropColumn('logo_uri').execute();
}
