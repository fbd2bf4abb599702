/**
 * The IACA certificates an mdoc's chain may end at (ISO/IEC 18013-5 §9.3.3, Annex B.1.2): this
 * service's own (the issuance half publishes them through `ownIacaCertificates`; none yet) and
 * the ones an operator configures in `TRUSTED_IACA_CERTS`. Our own stand for our issuer
 * (`PUBLIC_URL`), so their mdocs' status lists are read in-process like every credential we
 * issue; a configured one stands for `x509_hash:<base64url SHA-256 of its DER>` (the
 * OpenID4VP client identifier spelling of a certificate) and only for the doctypes configured
 * with it. Parsed once per certificate text.
 */
import { X509Certificate, hash } from 'node:crypto';
import type { MdocTrustAnchor } from '../formats/mdoc/verify-issuer-certificate.js';

export interface TrustedIaca {
  /** One certificate, PEM. */
  pem: string;
  /** Doctypes it may speak for; empty = the ISO mDL only. */
  doctypes: readonly string[];
}

/** ISO/IEC 18013-5 §7.1: the mDL doctype, all a configured IACA speaks for unless told more. */
export const MDL_DOCTYPE = 'org.iso.18013.5.1.mDL';

export const iacaIssuerId = (cert: X509Certificate): string => `x509_hash:${hash('sha256', cert.raw, 'base64url')}`;

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
  return ownAndConfiguredAnchors(configured, o.ownIacaCertificates, (certificate) => ({
    certificate,
    issuer: o.ownIssuer,
    doctypes: undefined,
  }));
}

/**
 * This service's own anchors (from the key ring) before the configured ones. The key ring hands
 * back the same array until its keys change (a rotation, a refresh), so the list is looked at
 * again only then; a certificate already parsed keeps its anchor, and one that has left the ring
 * leaves the map. Shared by the IACA and the issuer CA anchors.
 */
export function ownAndConfiguredAnchors<A>(
  configured: readonly A[],
  own: () => readonly (string | Uint8Array)[],
  anchorOf: (certificate: X509Certificate) => A,
): () => readonly A[] {
  let seen: readonly (string | Uint8Array)[] | undefined;
  let byText = new Map<string, A>();
  let anchors: readonly A[] = configured;
  return () => {
    const current = own();
    if (current === seen) return anchors;
    seen = current;
    const next = new Map<string, A>();
    for (const cert of current) {
      const key = typeof cert === 'string' ? cert : Buffer.from(cert).toString('base64');
      next.set(key, byText.get(key) ?? anchorOf(new X509Certificate(typeof cert === 'string' ? cert : Buffer.from(cert))));
    }
    byText = next;
    anchors = [...next.values(), ...configured];
    return anchors;
  };
}
