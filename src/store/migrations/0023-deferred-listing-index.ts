import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * `GET /v1/deferred` lists an issuer's deferred transactions newest first (`created_at DESC, id
 * DESC`). Its only index, (client_id, state), found the client's rows but not their order, and no
 * statement filters by state with the client, so every call sorted all of the client's
 * transactions (on SQLite on the main connection). (client_id, created_at, id) replaces it: the
 * list is one range of an index, at no extra index per row. The same class as 0022.
 */
export const deferredListingIndex = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('vci_deferred_client_created').on('vci_deferred').columns(['client_id', 'created_at', 'id']).execute();
  await db.schema.dropIndex('vci_deferred_client').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('vci_deferred_client').on('vci_deferred').columns(['client_id', 'state']).execute();
  await db.schema.dropIndex('vci_deferred_client_created').execute();
}
