/**
 * The issuer CA certificates an SD-JWT VC's (or a status list token's) `x5c` may lead to (HAIP 1.0
 * §6.1.1): this service's own issuer CAs (`dproof keys issuer-ca`, active and retiring, from the
 * key ring), which certify only this service's own issuer identifier (`PUBLIC_URL`) and speak for
 * every type it issues; and the ones an operator configures in `TRUSTED_ISSUER_CAS`, which never
 * certify `PUBLIC_URL` nor speak for its types, and speak for the types configured with them or,
 * with none, for those under the certified issuer's own identifier (as TRUSTED_ISSUERS entries do).
 */
import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import type { IssuerCaAnchor } from '../formats/x509/verify-jws-x5c.js';
import { ownAndConfiguredAnchors } from './iaca-anchors.js';
import { ownTypeNamespace, typeMatches } from './issuer-type-authority.js';

export interface TrustedIssuerCa {
  /** One CA certificate, PEM. */
  pem: string;
  /** Exact `vct` values, or prefixes ending in `/`; empty = the types under the issuer's identifier. */
  types: readonly string[];
}

export function issuerCaAnchorsOf(o: {
  ownIssuer: string;
  trusted: readonly TrustedIssuerCa[];
  ownCaCertificates: () => readonly Uint8Array[];
  /** Whether a key our own CA certified is still published by our key ring (active or retiring). */
  ownKeyPublished: (jwk: JWK) => boolean;
}): () => readonly IssuerCaAnchor[] {
  const ownTypes = ownTypeNamespace(o.ownIssuer);
  const configured: IssuerCaAnchor[] = o.trusted.map((t) => ({
    certificate: new X509Certificate(t.pem),
    mayCertify: (iss) => iss !== o.ownIssuer,
    mayIssue: (iss, type) =>
      !type.startsWith(ownTypes) && (t.types.length > 0 ? t.types : [`${iss.replace(/\/+$/, '')}/`]).some((p) => typeMatches(p, type)),
  }));
  return ownAndConfiguredAnchors(configured, o.ownCaCertificates, (certificate) => ({
    certificate,
    mayCertify: (iss) => iss === o.ownIssuer,
    mayIssue: () => true,
    // Our CA's certificates outlive our keys (years against a rotation): retiring a key stops it verifying.
    mayCertifyKey: o.ownKeyPublished,
  }));
}
