import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export const counterEngagements = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // Holder-shown engagement handles (src/presentation/engagement/): only SHA-256 hashes of the
  // handle (in the QR) and of the wait token (kept by the wallet that asked) are stored.
  // `client_id` and `request_id` are set by ONE conditional UPDATE, so one verifier redeems it.
  await db.schema
    .createTable('counter_engagements')
    .addColumn('handle_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('wait_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('client_id', 'varchar(64)')
    .addColumn('request_id', 'varchar(64)')
    .addColumn('authorization_request', 'text')
    .addColumn('redeemed_at', 'bigint')
    .execute();
  await db.schema.createIndex('counter_engagements_expires').on('counter_engagements').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('counter_engagements').execute();
}
