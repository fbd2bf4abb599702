import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Random secrets the nodes of one deployment share (src/keys/service-secret.ts): the MAC key of
 * OpenID4VCI c_nonces and the key the identity-provider login's PKCE verifier, nonce and browser
 * binding are derived with. They were derived from the operator secret (passphrase or HSM PIN),
 * which made every c_nonce, handed out anonymously, a way to test guesses of that secret offline.
 * Made on first use by whichever node gets there first (the primary key decides).
 */
export const serviceSecrets = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('service_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('service_secrets').execute();
}
