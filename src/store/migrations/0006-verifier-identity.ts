import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

export const verifierIdentity = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  // X.509 verifier identities (OpenID4VP 1.0 §5.9.3 x509_san_dns / x509_hash), see
  // src/presentation/x509-identity/. `owner` is 'service' (shared) or a verifier client id.
  // The private key is held by the key backend like the signing keys (`key_file`); `chain` is
  // the JSON array of base64 DER certificates, leaf first, NULL while a CSR awaits its chain.
  // States: pending (CSR out) → active → retiring (after a rotation) → retired.
  await db.schema
    .createTable('verifier_identities')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('key_file', 'text', (c) => c.notNull())
    .addColumn('dns_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('chain', 'text')
    .addColumn('x509_hash', 'varchar(64)')
    .addColumn('not_after', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('retired_at', 'bigint')
    .execute();
  // At most one active identity per owner, also when two operators race.
  await sql`CREATE UNIQUE INDEX verifier_identities_one_active ON verifier_identities (owner) WHERE state = 'active'`.execute(db);
  await db.schema.createIndex('verifier_identities_hash').on('verifier_identities').column('x509_hash').execute();
  // The client identifier a request was made under (NULL: the did:web default of 0004 rows):
  // the request object is signed for it and the KB-JWT `aud` must equal it (§8.6, §14.1).
  await db.schema.alterTable('verifier_requests').addColumn('verifier_client_id', 'text').execute();
  // 'post' when the link says request_uri_method=post (§5.10), so its QR says it too; NULL: get.
  await db.schema.alterTable('verifier_requests').addColumn('request_uri_method', 'varchar(8)').execute();
  // A verifier client's default prefix, when its requests do not name one (NULL: did:web).
  await db.schema.alterTable('api_clients').addColumn('client_id_prefix', 'varchar(32)').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_clients').dropColumn('client_id_prefix').execute();
  await db.schema.alterTable('verifier_requests').dropColumn('request_uri_method').execute();
  await db.schema.alterTable('verifier_requests').dropColumn('verifier_client_id').execute();
  await db.schema.dropTable('verifier_identities').execute();
}
