import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.js';

/**
 * Issuer certificates for the JWT signing keys (HAIP 1.0 §6.1.1, SD-JWT VC "Inline X.509
 * Certificates"): `issuer_x5c` is the JSON array of base64 DER certificates certifying the row's
 * key, leaf first and without the trust anchor (the issuer CA, a row of alg `issuer-ca`), as the
 * SD-JWT VC and Status List Token `x5c` headers carry it. NULL: the key has no certificate and
 * what it signs is verified through the JWKS only. Written with the key's row (rotation) or later
 * by `dproof keys issuer-cert`.
 */
export const issuerCertificates = (_dialect: Dialect): Migration => ({ up, down });

async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').addColumn('issuer_x5c', 'text').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signing_keys').dropColumn('issuer_x5c').execute();
}
