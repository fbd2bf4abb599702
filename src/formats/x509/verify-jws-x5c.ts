/**
 * Verifies a JWS whose key comes from its `x5c` header (HAIP 1.0 §6.1.1 for SD-JWT VCs, HAIP 1.0
 * §7 for Status List Tokens; SD-JWT VC "Inline X.509 Certificates"; RFC 7515 §4.1.6), in this
 * order, each failure its own code:
 *
 * 1. `x5c` is 1–5 base64 DER certificates, each signed by the next, the certificates above the
 *    leaf CAs, the leaf neither a CA nor self-signed (HAIP: "MUST NOT be self-signed")
 *    → `issuer_certificate_invalid`;
 * 2. the chain ends at, or just under, one of the configured anchors → `issuer_certificate_untrusted`
 *    (an anchor the chain brings along proves nothing unless it is one of ours);
 * 3. every certificate and the anchor inside its validity → `issuer_certificate_expired`;
 * 4. the leaf states keyUsage digitalSignature (RFC 5280 §4.2.1.3) → `issuer_certificate_usage_invalid`;
 * 5. the leaf's subjectAltName names `iss` (SD-JWT VC: the issuer is the subject of the
 *    end-entity certificate; an https `iss` is a uniformResourceIdentifier SAN, a `dns:` one a
 *    dNSName) and the anchor may certify that issuer → `issuer_certificate_san_mismatch`;
 * 6. the leaf's key passes the curve-point gate (checkPublicJwk, torsion-free) and verifies the
 *    signature with exactly the header's alg (jws_* codes).
 *
 * Nothing is fetched (no AIA, no CRL). Pure: node:crypto parses and verifies. The links and the
 * anchor test are check-certificate-chain.ts's (checkChainLinks, chainEndsAt); its whole walk,
 * checkCertificateChain, is not this order (validity before links, an expired anchor untrusted).
 */
import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { formatError } from '../error-codes.js';
import { algForJwk } from '../jose/import-public-key.js';
import type { ParsedJws } from '../jose/types.js';
import { verifyCompactJws, type VerifiedJws } from '../jose/verify-compact-jws.js';
import {
  chainEndsAt,
  checkChainLinks,
  checkPathLengths,
  leafPublicJwk,
  parseCertificate,
  readExtension,
  readX5c,
} from './check-certificate-chain.js';
import { certificateFor, issuedByCached, readOnce } from './certificate-cache.js';
import { KeyUsageFlags, readKeyUsage, readSubjectAltNames } from './read-certificate-extensions.js';

/** One trusted issuer CA certificate and which issuers and types it may vouch for. */
export interface IssuerCaAnchor {
  certificate: X509Certificate;
  /** May a leaf under this anchor name issuer `iss`? (Our own CA: only our own identifier.) */
  mayCertify(iss: string): boolean;
  /** May an issuer certified by this anchor issue credentials of `type` (a `vct`)? */
  mayIssue(iss: string, type: string): boolean;
  /**
   * Is the certified key still one the issuer stands behind? Our own CA: only keys our key ring
   * publishes (active or retiring), so a retired key's long-lived certificate does not keep it
   * verifying. Unset: the certificate's validity decides.
   */
  mayCertifyKey?(jwk: JWK): boolean;
}

export interface X5cVerified extends VerifiedJws {
  anchor: IssuerCaAnchor;
  /** The x5c certificates, DER, leaf first. */
  chain: Buffer[];
}

const inValidity = (c: X509Certificate, now: number) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);

/** An extension of the leaf, read once (check-certificate-chain.ts); one that cannot be read is issuer_certificate_invalid. */
function readLeafExtension<T>(leaf: X509Certificate, name: string, read: (der: Uint8Array) => T): T {
  try {
    return readExtension(leaf, name, read);
  } catch (e) {
    throw formatError('issuer_certificate_invalid', e instanceof Error ? e.message : `the ${name} extension cannot be read`);
  }
}

/** Does the subjectAltName of `leaf` name `iss`? */
function sanNames(leaf: X509Certificate, iss: string): boolean {
  const { uris, dnsNames } = readLeafExtension(leaf, 'subjectAltNames', readSubjectAltNames);
  if (iss.startsWith('dns:')) return dnsNames.includes(iss.slice(4).toLowerCase());
  return uris.includes(iss);
}

/** Steps 1–5 on the chain `x5c` carries; returns the anchor, the certificates and the leaf key. */
export function checkIssuerX5c(
  x5c: unknown,
  iss: string,
  anchors: readonly IssuerCaAnchor[],
  now: number,
): { anchor: IssuerCaAnchor; chain: Buffer[]; jwk: JWK } {
  const { certs, chain } = readChain(x5c);
  // HAIP 1.0 §6.1.1: no trust anchor's certificate in the x5c, whichever anchor the chain would
  // end at (a wallet provider's x5c is refused the same way, client-attestation/verify-x5c-chain.ts).
  if (certs.some((c) => anchors.some((a) => a.certificate.raw.equals(c.raw))))
    throw formatError('issuer_certificate_invalid', 'the x5c carries a trust anchor itself (HAIP 1.0 §6.1.1 leaves it out)');
  // The shared anchor test of checkCertificateChain, without the anchor's validity: an expired
  // anchor is step 3's issuer_certificate_expired here, not an untrusted chain.
  const anchor = anchors.find((a) => chainEndsAt(certs, a.certificate, { signedBy: issuedByCached }));
  if (!anchor) throw formatError('issuer_certificate_untrusted', 'the x5c chain does not lead to a trusted issuer CA');
  try {
    checkPathLengths(certs, anchor.certificate);
  } catch (e) {
    throw formatError('issuer_certificate_invalid', e instanceof Error ? e.message : 'a pathLenConstraint is broken');
  }
  checkLeaf(certs, [anchor.certificate], iss, now);
  if (!anchor.mayCertify(iss)) throw formatError('issuer_certificate_san_mismatch', 'this issuer CA may not certify the iss of the token');
  const jwk = leafKey(certs[0]!);
  if (anchor.mayCertifyKey && !anchor.mayCertifyKey(jwk))
    throw formatError('issuer_certificate_untrusted', "the certified key is no longer one of the issuer's keys (retired)");
  return { anchor, chain, jwk };
}

/**
 * A wallet's check of what it receives (it holds no trust list: trust is the verifier's step 2):
 * steps 1 and 3–5 without an anchor, then the leaf's key. Returns that key.
 */
export function checkReceivedX5c(x5c: unknown, iss: string, now: number): JWK {
  const { certs } = readChain(x5c);
  checkLeaf(certs, [], iss, now);
  return leafKey(certs[0]!);
}

/** The leaf's key (a copy: the cache keeps the one it read). */
const leafKey = (leaf: X509Certificate): JWK => ({ ...readOnce(leaf, 'publicJwk', leafPublicJwk) });

/**
 * Step 1: the certificates, linked. Parsed certificates and signature outcomes come from
 * certificate-cache.ts, like the mdoc x5chain's: the same issuer's leaf is in every presentation.
 */
function readChain(x5c: unknown): { certs: X509Certificate[]; chain: Buffer[] } {
  const chain = readX5c(x5c);
  if (!chain) throw formatError('issuer_certificate_invalid', 'x5c is not 1 to 5 base64 DER certificates');
  try {
    const certs = chain.map((der) => parseCertificate(der, certificateFor));
    checkChainLinks(certs, false, issuedByCached);
    return { certs, chain };
  } catch (e) {
    throw formatError('issuer_certificate_invalid', e instanceof Error ? e.message : 'the x5c chain cannot be read');
  }
}

/** Steps 3–5: validity (with the anchor), the leaf's key usage, its subjectAltName naming `iss`. */
function checkLeaf(certs: readonly X509Certificate[], anchors: readonly X509Certificate[], iss: string, now: number): void {
  for (const c of [...certs, ...anchors])
    if (!inValidity(c, now)) throw formatError('issuer_certificate_expired', `a certificate is valid ${c.validFrom} – ${c.validTo} only`);
  const leaf = certs[0]!;
  const { ku } = readLeafExtension(leaf, 'keyUsage', readKeyUsage);
  if (ku === undefined || !(ku & KeyUsageFlags.digitalSignature))
    throw formatError('issuer_certificate_usage_invalid', 'the issuer certificate does not allow digitalSignature');
  if (!sanNames(leaf, iss))
    throw formatError('issuer_certificate_san_mismatch', 'the issuer certificate does not name the iss of the token');
}

/** Steps 1–6: the JWS verified with the key of its certified leaf. */
export async function verifyJwsByX5c(
  jws: ParsedJws,
  o: { iss: string; anchors: readonly IssuerCaAnchor[]; now: number; expectedTyp?: string },
): Promise<X5cVerified> {
  const { anchor, chain, jwk } = checkIssuerX5c(jws.header.x5c, o.iss, o.anchors, o.now);
  const verified = await verifyCompactJws(jws, {
    // The leaf's key is the only key; its type decides its one alg (RFC 8725bis §3.1), so a
    // header alg that does not fit it is jws_key_alg_mismatch.
    resolveKey: () => ({ jwk, alg: algForJwk(jwk) }),
    ...(o.expectedTyp !== undefined && { expectedTyp: o.expectedTyp }),
  });
  return { ...verified, anchor, chain };
}
