/**
 * Reads the X.509 extensions a chain check needs that node:crypto's X509Certificate does not
 * expose as data (RFC 5280 §4.2.1.3 keyUsage, §4.2.1.12 extKeyUsage, §4.2.1.6 subjectAltName,
 * §4.2.1.9 the pathLenConstraint of basicConstraints),
 * with @peculiar/asn1-x509 (node prints subjectAltName as text that must not be parsed back).
 * Pure: shared by the mdoc and the SD-JWT VC issuer checks.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';

export { KeyUsageFlags } from '@peculiar/asn1-x509';

/** keyUsage bits and extKeyUsage OIDs; undefined where the certificate does not state them. */
export function readKeyUsage(der: Uint8Array): { ku: number | undefined; eku: string[] | undefined } {
  const parsed = AsnConvert.parse(der, Certificate);
  let ku: number | undefined;
  let eku: string[] | undefined;
  for (const e of parsed.tbsCertificate.extensions ?? []) {
    if (e.extnID === id_ce_keyUsage) ku = AsnConvert.parse(e.extnValue, KeyUsage).toNumber();
    if (e.extnID === id_ce_extKeyUsage) eku = [...AsnConvert.parse(e.extnValue, ExtendedKeyUsage)].map(String);
  }
  return { ku, eku };
}

/** The uniformResourceIdentifier and dNSName entries of the subjectAltName. */
export function readSubjectAltNames(der: Uint8Array): { uris: string[]; dnsNames: string[] } {
  const parsed = AsnConvert.parse(der, Certificate);
  const uris: string[] = [];
  const dnsNames: string[] = [];
  for (const e of parsed.tbsCertificate.extensions ?? []) {
    if (e.extnID !== id_ce_subjectAltName) continue;
    for (const name of AsnConvert.parse(e.extnValue, SubjectAlternativeName)) {
      if (name.uniformResourceIdentifier !== undefined) uris.push(name.uniformResourceIdentifier);
      if (name.dNSName !== undefined) dnsNames.push(name.dNSName.toLowerCase());
    }
  }
  return { uris, dnsNames };
}

/** basicConstraints' pathLenConstraint (RFC 5280 §4.2.1.9); undefined when the certificate sets none. */
export function readPathLength(der: Uint8Array): number | undefined {
  const parsed = AsnConvert.parse(der, Certificate);
  for (const e of parsed.tbsCertificate.extensions ?? []) {
    if (e.extnID === id_ce_basicConstraints) return AsnConvert.parse(e.extnValue, BasicConstraints).pathLenConstraint;
  }
  return undefined;
}
