import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * RFC 9449 §10 / §10.1: a pushed authorization request may bind the authorization code to a DPoP
 * key, by the `dpop_jkt` parameter or a DPoP proof on the PAR request; the token request must then
 * prove that key. The thumbprint is kept with the request (NULL: not bound).
 */
export const authorizationDpopJkt = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorization_requests').addColumn('dpop_jkt', 'varchar(64)').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorization_requests').dropColumn('dpop_jkt').execute();
}
