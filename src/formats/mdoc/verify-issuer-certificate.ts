/**
 * The issuer of an mdoc is proven by certificates, not by a key list (ISO/IEC 18013-5 §9.1.2.4,
 * §9.3.3, Annex B): issuerAuth's `x5chain` (COSE header 33, RFC 9360) holds the document signer
 * (DS) certificate, optionally followed by intermediates; the chain must end at a trusted
 * issuing-authority root (IACA). Checked here with node:crypto's X509Certificate:
 *
 * - every certificate issued and signed by the next one, the last by a trust anchor (or being one);
 * - every certificate, the anchor included, within its validity at the verifier's clock;
 * - usage: the DS is no CA, has `digitalSignature` when it states key usage and the mdoc DS
 *   purpose (1.0.18013.5.1.2) when it states extended key usage; the certificates above it are
 *   CAs allowed to sign certificates (`keyCertSign`) when they state key usage;
 * - the MSO `validityInfo.signed` inside the DS validity (§9.3.1);
 * - the DS subject's countryName the same as the IACA's (Annex B.1.4).
 *
 * Nothing is fetched: no AIA, no CRL (the IACA list is configured; revocation of an mdoc goes
 * through its Token Status List).
 */
import type { X509Certificate, KeyObject } from 'node:crypto';
import { checkCertificateChain, type CheckedChain } from '../x509/check-certificate-chain.js';
import { KeyUsageFlags, readKeyUsage } from '../x509/read-certificate-extensions.js';
import { formatError } from '../error-codes.js';
import type { CoseSign1 } from './parse-cose-sign1.js';
import { certificateFor, checkedUsage, issuedByCached } from '../x509/certificate-cache.js';
import { MDL_DS_EKU } from './mdoc-constants.js';
import { oneCountryName, sameCountry } from '../x509/read-country-name.js';

/** One trusted IACA certificate and what it stands for. */
export interface MdocTrustAnchor {
  certificate: X509Certificate;
  /** The issuer identifier a verdict names (this service's PUBLIC_URL for its own IACAs). */
  issuer: string;
  /** Doctypes the anchor may speak for; undefined = any. */
  doctypes: readonly string[] | undefined;
}

const X5CHAIN = 33;
const MAX_CHAIN = 4;

const invalid = (message: string) => formatError('mdoc_certificate_invalid', message);

/** RFC 9360 §2: the x5chain of issuerAuth (DS first), as DER. */
export function readX5chain(s: CoseSign1): Uint8Array[] {
  const v = s.unprotectedHeader.get(X5CHAIN) ?? s.protectedHeader.get(X5CHAIN);
  // RFC 9360 §2: one certificate as a bstr, several as an array of bstr.
  const list = v instanceof Uint8Array ? [v] : Array.isArray(v) ? (v as unknown[]) : [];
  if (list.length === 0 || list.length > MAX_CHAIN || !list.every((c) => c instanceof Uint8Array))
    throw formatError('mdoc_x5chain_missing', 'issuerAuth carries no x5chain');
  return list as Uint8Array[];
}

const keyUsage = (cert: X509Certificate) => readKeyUsage(cert.raw);

/** The shared walk's refusals, as the mdoc codes a verdict names. */
function mdocRefusal(e: unknown): unknown {
  const code = e instanceof Error && 'code' in e ? String(e.code) : '';
  if (code.startsWith('mdoc_')) return e;
  if (code === 'certificate_expired') return invalid('a certificate of the x5chain is outside its validity');
  if (code === 'certificate_chain_invalid') return invalid('the x5chain is not one chain');
  return invalid('a certificate of the x5chain cannot be read');
}

/** Verifies the chain to an anchor; returns the DS public key and the anchor. */
export function verifyIssuerCertificate(
  issuerAuth: CoseSign1,
  anchors: readonly MdocTrustAnchor[],
  now: number,
  msoSigned: Date,
): { dsKey: KeyObject; anchor: MdocTrustAnchor } {
  const ders = readX5chain(issuerAuth);
  let checked: CheckedChain;
  try {
    // The shared walk: each certificate signed by the next, all within their validity at `now`,
    // the leaf no CA, ending at (or just under) a trusted IACA itself within its validity. Then the
    // mdoc usage rules, on the certificates as the cache holds them.
    checked = checkCertificateChain(ders, {
      now,
      anchors: anchors.map((a) => a.certificate),
      untrustedIsResult: true,
      parse: certificateFor,
      signedBy: issuedByCached,
    });
    checked.certs.forEach((c, i) => (i === 0 ? checkedUsage(c, 'ds', checkDsUsage) : checkedUsage(c, 'ca', checkCaUsage)));
  } catch (e) {
    throw mdocRefusal(e);
  }
  if (checked.trustedBy === undefined) throw formatError('mdoc_iaca_untrusted', 'the x5chain does not lead to a trusted IACA');
  const ds = checked.certs[0]!;
  const anchor = anchors[checked.trustedBy]!;
  checkDsCountry(ds, anchor.certificate);
  const signed = msoSigned.getTime();
  // §9.3.1: the MSO was signed while the DS was valid.
  if (!(signed >= Date.parse(ds.validFrom) && signed <= Date.parse(ds.validTo)))
    throw invalid('the MSO was signed outside the document signer validity');
  return { dsKey: ds.publicKey, anchor };
}

/**
 * ISO 18013-5 Annex B.1.2 and B.1.4: the IACA and the document signer each name one countryName,
 * the DS the same as the IACA (an issuing authority signs for its own country only).
 */
function checkDsCountry(ds: X509Certificate, iaca: X509Certificate): void {
  let dsCountry: string | undefined;
  let iacaCountry: string | undefined;
  try {
    [dsCountry, iacaCountry] = [oneCountryName(ds), oneCountryName(iaca)];
  } catch {
    throw invalid('the subject of a certificate of the x5chain cannot be read');
  }
  if (iacaCountry === undefined) throw invalid('the IACA certificate does not name one countryName');
  if (dsCountry === undefined) throw invalid('the document signer certificate does not name one countryName');
  if (!sameCountry(dsCountry, iacaCountry)) throw invalid('the document signer names another countryName than its IACA');
}

function checkDsUsage(ds: X509Certificate): void {
  if (ds.ca) throw invalid('the document signer certificate is a CA');
  const { ku, eku } = keyUsage(ds);
  if (ku !== undefined && !(ku & KeyUsageFlags.digitalSignature)) throw invalid('the document signer may not sign');
  if (eku !== undefined && !eku.includes(MDL_DS_EKU)) throw invalid('the document signer lacks the mdoc DS extended key usage');
}

function checkCaUsage(ca: X509Certificate): void {
  if (!ca.ca) throw invalid('a certificate above the document signer is no CA');
  const { ku } = keyUsage(ca);
  if (ku !== undefined && !(ku & KeyUsageFlags.keyCertSign)) throw invalid('a CA certificate may not sign certificates');
}
