/**
 * How the mdoc certificate hierarchy sits in the key table: an issuing-authority root (IACA, alg
 * `mdoc-iaca`) and document signers (DS, alg `mdoc-ds`), each row's certificate chain kept in its
 * public JWK as `x5c` (RFC 7517 §4.7, base64 DER, leaf first). Read by the key ring on every node.
 */
import type { KeyRecord } from '../store/repositories/keys-repo.js';

export const MDOC_IACA_ALG = 'mdoc-iaca';
export const MDOC_DS_ALG = 'mdoc-ds';
export type MdocKeyAlg = typeof MDOC_IACA_ALG | typeof MDOC_DS_ALG;

export const isMdocKeyAlg = (v: unknown): v is MdocKeyAlg => v === MDOC_IACA_ALG || v === MDOC_DS_ALG;

/** The CA that certifies the JWT signing keys (HAIP 1.0 §6.1.1 `x5c`), kept the same way as an IACA. */
export const ISSUER_CA_ALG = 'issuer-ca';

/** Rows that are certificate authorities or mdoc signers, never JWS keys: no JWKS publishes them. */
export const isCertificateKeyAlg = (v: unknown): boolean => isMdocKeyAlg(v) || v === ISSUER_CA_ALG;

/** The certificate chain a row holds, DER, leaf first. */
export function certificateChainOf(rec: Pick<KeyRecord, 'publicJwk'>): Uint8Array[] {
  const x5c = rec.publicJwk.x5c;
  return Array.isArray(x5c) ? x5c.map((c) => new Uint8Array(Buffer.from(String(c), 'base64'))) : [];
}
