/**
 * X.509 certificates for the JWT signing keys (HAIP 1.0 §6.1.1: an SD-JWT VC carries its issuer's
 * signing certificate in `x5c`; §7 ¶ Status List Token: the same). Made with @peculiar/x509 and
 * signed through our `Signer`, like the mdoc certificates (build-mdoc-certificate.ts, whose helpers
 * and root profile this reuses), so the CA's private key never leaves its backend.
 *
 * - Issuer CA: the IACA root profile (self-signed, basicConstraints CA pathLen 0, keyUsage
 *   keyCertSign + cRLSign, key identifiers, issuerAltName = PUBLIC_URL; buildIacaCertificate, which
 *   makeRootCa in manage-mdoc-keys.ts calls for both roots), its own key row (alg `issuer-ca`):
 *   a separate root, so a verifier that trusts our mDL IACA does not thereby trust our SD-JWT
 *   VCs, and the other way round.
 * - Issuer certificate (end entity, one per JWT key): keyUsage digitalSignature (critical),
 *   subjectAltName uniformResourceIdentifier = the issuer identifier (PUBLIC_URL, which is every
 *   credential's `iss`: SD-JWT VC §3.5 / "Inline X.509 Certificates", the issuer is named by the
 *   end-entity certificate) plus its host as dNSName when it is a name, not an address.
 */
import 'reflect-metadata';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import type { Signer } from './signer.js';
import { buildEndEntityCertificate, type CertificateSubject } from './build-mdoc-certificate.js';

/**
 * An issuer certificate outlives what its key signs: a credential carries the certificate of the
 * key that signed it, and a verifier refuses it once that certificate has expired. 5 years (never
 * past the CA) covers the catalogue's validities; a key is rotated long before.
 */
export const ISSUER_CERT_VALIDITY_DAYS = 1826;

/** subjectAltName of an issuer identifier: the URI itself, and its host as a DNS name. */
function issuerAltNames(issuer: string): x509.JsonGeneralNames {
  const host = new URL(issuer).hostname;
  return [{ type: 'url', value: issuer }, ...(isIP(host) === 0 && !host.startsWith('[') ? [{ type: 'dns' as const, value: host }] : [])];
}

/** End-entity certificate for the JWT key `keyJwk`, issued by `ca` with `caSigner`. */
export async function buildIssuerCertificate(
  keyJwk: JWK,
  ca: x509.X509Certificate,
  caSigner: Signer,
  subject: CertificateSubject,
  now: number,
): Promise<x509.X509Certificate> {
  return buildEndEntityCertificate(keyJwk, ca, caSigner, subject, now, ISSUER_CERT_VALIDITY_DAYS, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.SubjectAlternativeNameExtension(issuerAltNames(subject.uri)),
  ]);
}
