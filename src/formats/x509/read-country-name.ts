/**
 * The countryName (X.520, OID 2.5.4.6) attributes of a certificate's subject, read from the DER
 * with @peculiar/asn1-x509 (node:crypto prints the subject as text that must not be parsed back).
 * Kept per certificate object: a trust anchor is parsed once at start and read on every mdoc.
 */
import type { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

const COUNTRY_NAME = '2.5.4.6';
const read = new WeakMap<X509Certificate, readonly string[]>();

/** Every countryName value of the subject, in order (usually one; none when the subject has no C). */
export function subjectCountryNames(cert: X509Certificate): readonly string[] {
  let names = read.get(cert);
  if (names === undefined) {
    const subject = AsnConvert.parse(cert.raw, Certificate).tbsCertificate.subject;
    names = subject.flatMap((rdn) => rdn.filter((a) => a.type === COUNTRY_NAME).map((a) => a.value.toString()));
    read.set(cert, names);
  }
  return names;
}

/**
 * ISO/IEC 18013-5 Annex B.1.2 / B.1.4: an IACA and a document signer each name exactly one
 * countryName. That one, or undefined when the subject names none or several.
 */
export function oneCountryName(cert: X509Certificate): string | undefined {
  const names = subjectCountryNames(cert);
  return names.length === 1 ? names[0] : undefined;
}

/** X.520 countryName is matched ignoring case (RFC 4519 §2.2: caseIgnoreMatch). */
export const sameCountry = (a: string, b: string): boolean => a.toUpperCase() === b.toUpperCase();
