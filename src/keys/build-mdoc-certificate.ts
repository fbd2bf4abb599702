/**
 * X.509 certificates for ISO/IEC 18013-5 mdoc issuance, made with @peculiar/x509 and signed through
 * our `Signer` (an encrypted key file or a PKCS#11 module: the private key never leaves its backend).
 *
 * Profiles of ISO/IEC 18013-5:2021 Annex B:
 * - IACA root (B.1.2): self-signed, basicConstraints CA with pathLenConstraint 0 (critical),
 *   keyUsage keyCertSign + cRLSign (critical), subject/authority key identifiers, issuerAltName,
 *   a country (C) in the subject; at most 20 years.
 * - Document signer (B.1.4): issued by the IACA, keyUsage digitalSignature (critical), extKeyUsage
 *   1.0.18013.5.1.2 (mdlDS, critical), authority key identifier of the IACA, issuerAltName; at most
 *   457 days.
 * Not produced: the CRL distribution point B.1 makes mandatory (this service publishes no CRL;
 * revocation of a DS means rotating it; the README lists this limit).
 */
import 'reflect-metadata';
import { createPublicKey, hash, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import { MDL_DS_EKU } from '../formats/mdoc/mdoc-constants.js';
import type { Signer } from './signer.js';
import { signerWebCrypto } from './signer-web-crypto.js';

const DAY = 86_400_000;
/** Annex B.1.2: an IACA certificate is valid for at most 20 years; we make 10. */
export const IACA_VALIDITY_DAYS = 3650;
/** Annex B.1.4: a document signer certificate is valid for at most 457 days. */
export const DS_VALIDITY_DAYS = 457;

const HOUR = 3_600_000;
/**
 * notBefore is the start of the hour: an mdoc's validityInfo.signed is its issuance time rounded
 * down to the hour (as every format of ours rounds `iat`), and ISO/IEC 18013-5 §9.3.1 readers
 * require it within the DS certificate's validity, also in the hour the DS was made.
 */
export const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR);

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** SPKI DER of a public JWK (EC P-256, or OKP Ed25519 for an EdDSA issuer key). */
export const spkiOf = (jwk: JWK): Uint8Array =>
  new Uint8Array(
    createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.y !== undefined && { y: jwk.y }) }, format: 'jwk' }).export({
      type: 'spki',
      format: 'der',
    }),
  );

/**
 * RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (EC: the uncompressed point;
 * OKP: the raw public key, RFC 8410 §4).
 */
export function keyIdentifier(jwk: JWK): string {
  const point =
    jwk.kty === 'OKP'
      ? Buffer.from(jwk.x!, 'base64url')
      : Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return hash('sha1', point, 'hex');
}

/** A positive 20-octet serial with at least 63 random bits (Annex B: serialNumber). */
export const serialNumber = (): string => {
  const b = randomBytes(20);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
};

export interface CertificateSubject {
  /** ISO 3166-1 alpha-2 country of the issuing authority (Annex B: C is mandatory). */
  country: string;
  commonName: string;
  /** Where the issuing authority can be reached (issuerAltName, a URI). */
  uri: string;
}

export const nameOf = (s: CertificateSubject): x509.JsonName => [{ C: [s.country] }, { CN: [s.commonName] }];

/** Self-signed IACA root for `signer`'s P-256 key. */
export async function buildIacaCertificate(signer: Signer, subject: CertificateSubject, now: number): Promise<x509.X509Certificate> {
  const ski = keyIdentifier(signer.publicJwk);
  const { crypto, privateKey } = signerWebCrypto(signer);
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: nameOf(subject),
      issuer: nameOf(subject),
      notBefore: hourOf(now),
      notAfter: new Date(now + IACA_VALIDITY_DAYS * DAY),
      publicKey: spkiOf(signer.publicJwk),
      signingAlgorithm: ECDSA_P256,
      signingKey: privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.SubjectKeyIdentifierExtension(ski),
        new x509.AuthorityKeyIdentifierExtension(ski),
        new x509.IssuerAlternativeNameExtension([{ type: 'url', value: subject.uri }]),
      ],
    },
    crypto,
  );
}

/**
 * An end-entity certificate for `keyJwk` issued (signed) by the CA `ca` with `caSigner`: valid from
 * the hour `now` falls in for `validityDays`, never past the CA, with the key identifiers and
 * `extensions` of its profile (a document signer's below, an issuer's in build-issuer-certificate.ts).
 */
export async function buildEndEntityCertificate(
  keyJwk: JWK,
  ca: x509.X509Certificate,
  caSigner: Signer,
  subject: CertificateSubject,
  now: number,
  validityDays: number,
  extensions: x509.Extension[],
): Promise<x509.X509Certificate> {
  const notAfter = Math.min(now + validityDays * DAY, ca.notAfter.getTime());
  const { crypto, privateKey } = signerWebCrypto(caSigner);
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: nameOf(subject),
      issuer: ca.subjectName,
      notBefore: hourOf(now),
      notAfter: new Date(notAfter),
      publicKey: spkiOf(keyJwk),
      signingAlgorithm: ECDSA_P256,
      signingKey: privateKey,
      extensions: [
        ...extensions,
        new x509.SubjectKeyIdentifierExtension(keyIdentifier(keyJwk)),
        new x509.AuthorityKeyIdentifierExtension(keyIdentifier(caSigner.publicJwk)),
      ],
    },
    crypto,
  );
}

/** Document signer certificate for `dsJwk`, issued (signed) by the IACA `iaca` with `iacaSigner`. */
export async function buildDsCertificate(
  dsJwk: JWK,
  iaca: x509.X509Certificate,
  iacaSigner: Signer,
  subject: CertificateSubject,
  now: number,
): Promise<x509.X509Certificate> {
  return buildEndEntityCertificate(dsJwk, iaca, iacaSigner, subject, now, DS_VALIDITY_DAYS, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([MDL_DS_EKU], true),
    new x509.IssuerAlternativeNameExtension([{ type: 'url', value: subject.uri }]),
  ]);
}
