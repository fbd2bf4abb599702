/**
 * The IACA certificates an mdoc's chain may end at (ISO/IEC 18013-5 §9.3.3, Annex B.1.2): this
 * service's own (the issuance half publishes them through `ownIacaCertificates`; none yet) and
 * the ones an operator configures in `TRUSTED_IACA_CERTS`. Our own stand for our issuer
 * (`PUBLIC_URL`), so their mdocs' status lists are read in-process like every credential we
 * issue; a configured one stands for `x509_hash:<base64url SHA-256 of its DER>` (the
 * OpenID4VP client identifier spelling of a certificate) and only for the doctypes configured
 * with it. Parsed once per certificate text.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { MdocTrustAnchor } from '../formats/mdoc/verify-issuer-certificate.js';

export interface TrustedIaca {
  /** One certificate, PEM. */
  pem: string;
  /** Doctypes it may speak for; empty = the ISO mDL only. */
  doctypes: readonly string[];
}

/** ISO/IEC 18013-5 §7.1: the mDL doctype, all a configured IACA speaks for unless told more. */
export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';

export const iacaIssuerId = (cert: X509Certificate): string => `x509_hash:${createHash('sha256').update(cert.raw).digest('base64url')}`;

export function iacaAnchorsOf(o: {
  ownIssuer: string;
  trusted: readonly TrustedIaca[];
  /** PEM text or DER bytes (KeyRing.iacaCertificates() of the issuance half gives DER). */
  ownIacaCertificates: () => readonly (string | Uint8Array)[];
}): () => readonly MdocTrustAnchor[] {
  const configured: MdocTrustAnchor[] = o.trusted.map((t) => {
    const certificate = new X509Certificate(t.pem);
    return { certificate, issuer: iacaIssuerId(certificate), doctypes: t.doctypes.length > 0 ? t.doctypes : [MDL_DOCTYPE] };
  });
  const own = new Map<string, MdocTrustAnchor>();
  return () => {
    const anchors = o.ownIacaCertificates().map((cert) => {
      const key = typeof cert === 'string' ? cert : Buffer.from(cert).toString('base64');
      let a = own.get(key);
      if (!a) {
        a = {
          certificate: new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert)),
          issuer: o.ownIssuer,
          doctypes: undefined,
        };
        own.set(key, a);
      }
      return a;
    });
    return [...anchors, ...configured];
  };
}
