import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * `GET /v1/credentials` lists newest first (`issued_at DESC, id DESC`), a page at a time with a
 * keyset cursor. Without a client filter (an admin) no index held that order: every page read the
 * whole registry and sorted it, and on SQLite that read runs on the main connection, so an admin
 * paging through the registry stopped issuance for as long (measured in the README, Operations).
 * `credentials_issued` holds the order itself; `credentials_client_issued_id` replaces the
 * client's (client_id, issued_at) with the id appended, so an issuer's page is a range of one
 * index too, ties on issued_at included. The registry gains one index on balance: the cost of
 * one more B-tree entry per issued credential (measured with the README's figures).
 */
export const credentialListingIndexes = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('credentials_issued').on('credentials').columns(['issued_at', 'id']).execute();
  await db.schema.createIndex('credentials_client_issued_id').on('credentials').columns(['client_id', 'issued_at', 'id']).execute();
  await db.schema.dropIndex('credentials_client_issued').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('credentials_client_issued').on('credentials').columns(['client_id', 'issued_at']).execute();
  await db.schema.dropIndex('credentials_client_issued_id').execute();
  await db.schema.dropIndex('credentials_issued').execute();
}
