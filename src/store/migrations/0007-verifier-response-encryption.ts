import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export const verifierResponseEncryption = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // How a wallet must answer one OpenID4VP request, when it is not plain `direct_post`
  // (src/presentation/response-encryption/): the response mode and, for `direct_post.jwt`, the
  // request's ephemeral ECDH-ES key: its public JWK and `kid` in clear (they are in the request
  // object anyway), the private half only sealed with AES-256-GCM under a key derived from the
  // operator's secret. The row is deleted when the answer is taken and purged at `expires_at`
  // (the request's own expiry), so a private key never outlives its request.
  await db.schema
    .createTable('verifier_response_keys')
    .addColumn('request_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('response_mode', 'varchar(32)', (c) => c.notNull())
    .addColumn('kid', 'varchar(64)', (c) => c.unique())
    .addColumn('public_jwk', 'text')
    .addColumn('sealed_key', 'text')
    // DC API requests: the verifier page's origin (expected_origins; KB-JWT aud `origin:<origin>`).
    .addColumn('origin', 'varchar(255)')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('verifier_response_keys_expires').on('verifier_response_keys').column('expires_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verifier_response_keys').execute();
}
