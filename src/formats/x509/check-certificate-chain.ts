/**
 * Checks an X.509 chain, leaf first (RFC 5280 path rules we need, not a full path builder):
 * each certificate is signed by the next, every certificate above the leaf is a CA, all are
 * inside their validity at `now`, path lengths are kept, the leaf may sign, and the path ends at a trust anchor: a self-signed last
 * certificate (import) or one of the anchors given. Used when the operator imports a chain from a
 * CA, when our wallet checks a request object's `x5c`, and when the issuer checks a wallet
 * provider's `x5c` (client-attestation/verify-x5c-chain.ts), and for the x5chain of an mdoc's
 * issuerAuth (mdoc/verify-issuer-certificate.ts, which keeps parsed certificates and signature
 * outcomes in certificate-cache.ts). Pure (formats): node:crypto's X509Certificate does the parsing and the
 * signatures.
 */
import { X509Certificate } from 'node:crypto';
import { formatError } from '../error-codes.js';
import { checkPublicJwk } from '../jose/check-public-jwk.js';
import type { JWK } from 'jose';
import { KeyUsageFlags, readKeyUsage, readPathLength } from './read-certificate-extensions.js';
import { readOnce } from './certificate-cache.js';
import { pathLengthBreach } from './path-length.js';

export const MAX_CHAIN_LENGTH = 5;

/** PEM text (one or more CERTIFICATE blocks) → DER certificates, in order. */
export function readPemChain(text: string): Buffer[] {
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw formatError('certificate_invalid', 'the chain holds no PEM CERTIFICATE block');
  if (blocks.length > MAX_CHAIN_LENGTH) throw formatError('certificate_invalid', `a chain of at most ${MAX_CHAIN_LENGTH} certificates`);
  return blocks.map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/**
 * A JWS `x5c` header (RFC 7515 §4.1.6: base64, not base64url, DER; leaf first) as DER, or
 * undefined when it is not 1 to MAX_CHAIN_LENGTH such values.
 */
export function readX5c(x5c: unknown): Buffer[] | undefined {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN_LENGTH) return undefined;
  if (!x5c.every((c) => typeof c === 'string' && c.length <= 16_384 && /^[A-Za-z0-9+/]+={0,2}$/.test(c))) return undefined;
  return x5c.map((c: string) => Buffer.from(c, 'base64'));
}

/** `parse` (default: node:crypto, every time) may be a cache's (certificate-cache.ts). */
export function parseCertificate(der: Uint8Array, parse = (d: Uint8Array) => new X509Certificate(d)): X509Certificate {
  try {
    return parse(der);
  } catch {
    throw formatError('certificate_invalid', 'a certificate of the chain cannot be parsed');
  }
}

/** The dNSName entries of the subjectAltName (node prints them as `DNS:name, …`). */
export function sanDnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
}

/**
 * The leaf's public key as a JWK, checked as a point on its curve. A key node:crypto cannot
 * read or export as a JWK (DSA, an unknown algorithm) is the key gate's refusal too, not a TypeError.
 */
export function leafPublicJwk(cert: X509Certificate): JWK {
  let jwk: unknown;
  try {
    jwk = cert.publicKey.export({ format: 'jwk' });
  } catch {
    throw formatError('jws_key_invalid', "the certificate's key is not an EC P-256 or Ed25519 key");
  }
  return checkPublicJwk(jwk, { torsionFree: true });
}

/** node prints a subject one attribute a line; messages stay on one line. */
const nameOf = (c: X509Certificate) => c.subject.replace(/\n/g, ', ');

/** RFC 5280 §4.1.2.5: the validity period runs from notBefore through notAfter, inclusive. */
const inValidity = (c: X509Certificate, now: number) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);

const checkSignedBy = (child: X509Certificate, parent: X509Certificate): boolean =>
  child.checkIssued(parent) && child.verify(parent.publicKey);

/**
 * The links of a chain, leaf first, without validity: each certificate signed by the next, which
 * is a CA (RFC 5280 §4.2.1.9); the leaf is not self-signed and, unless `caLeaf`, no CA (HAIP 1.0:
 * an end-entity certificate signs). Throws certificate_chain_invalid.
 */
export function checkChainLinks(certs: readonly X509Certificate[], caLeaf = false, signedBy = checkSignedBy): void {
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i]!;
    const parent = certs[i + 1]!;
    if (!parent.ca || !signedBy(child, parent)) {
      throw formatError('certificate_chain_invalid', `certificate ${i} ("${nameOf(child)}") is not signed by certificate ${i + 1}`);
    }
  }
  if (certs[0]!.ca && !caLeaf) throw formatError('certificate_chain_invalid', 'the leaf certificate is a CA certificate');
  if (certs[0]!.checkIssued(certs[0]!)) throw formatError('certificate_chain_invalid', 'the leaf certificate is self-signed');
}

/**
 * Does a linked chain (leaf first) end at `anchor`: is its last certificate the anchor itself (in
 * a chain of more than the anchor), or one the anchor, a CA, signed? With `now`, an anchor that
 * signs must also be inside its validity (a caller that names an expired anchor itself leaves it out).
 */
export function chainEndsAt(
  certs: readonly X509Certificate[],
  anchor: X509Certificate,
  o: { now?: number; signedBy?: (child: X509Certificate, parent: X509Certificate) => boolean } = {},
): boolean {
  const last = certs[certs.length - 1]!;
  if (anchor.raw.equals(last.raw)) return certs.length > 1;
  return anchor.ca && (o.now === undefined || inValidity(anchor, o.now)) && (o.signedBy ?? checkSignedBy)(last, anchor);
}

/**
 * An extension this check reads (keyUsage, basicConstraints' path length), once per cached
 * certificate (certificate-cache.ts: the same issuer's chain comes back with every presentation).
 * One node:crypto parsed but the ASN.1 reader cannot is a malformed certificate: certificate_invalid.
 */
export function readExtension<T>(c: X509Certificate, name: string, read: (der: Uint8Array) => T): T {
  return readOnce(c, name, (cert) => {
    try {
      return read(cert.raw);
    } catch {
      throw formatError('certificate_invalid', `the ${name} extension of certificate "${nameOf(cert)}" cannot be read`);
    }
  });
}
const keyUsageOf = (c: X509Certificate): number | undefined => readExtension(c, 'keyUsage', readKeyUsage).ku;

/**
 * The pathLenConstraints of the chain (leaf first) and of the anchor it ends under when that is
 * not in it: a trust anchor's own constraint counts too (an IACA or issuer CA of pathLen 0 signs
 * end-entity certificates only). Throws certificate_chain_invalid.
 */
export function checkPathLengths(certs: readonly X509Certificate[], anchor?: X509Certificate): void {
  const path = anchor && !anchor.raw.equals(certs[certs.length - 1]!.raw) ? [...certs, anchor] : certs;
  const breach = pathLengthBreach(
    path.map((c) => ({ pathLength: readExtension(c, 'basicConstraints', readPathLength), selfIssued: c.subject === c.issuer })),
  );
  if (breach)
    throw formatError(
      'certificate_chain_invalid',
      `certificate ${breach.index} ("${nameOf(path[breach.index]!)}") allows ${breach.max} CA certificate(s) under it (pathLenConstraint), the chain has ${breach.below}`,
    );
}

export interface CheckedChain {
  certs: X509Certificate[];
  /** The certificates a request object's x5c carries: the chain without a self-signed anchor. */
  x5c: Buffer[];
  /** The self-signed anchor that ended the chain (import), if any. */
  anchor: Buffer | undefined;
  notAfter: number;
  /** With anchors: the index of the anchor the chain leads to. */
  trustedBy: number | undefined;
}

export interface CheckChainOptions {
  now: number;
  anchors?: readonly (Uint8Array | X509Certificate)[];
  /** Lets a CA certificate sign (wallet provider x5c, where no rule forbids it); request objects never do. */
  caLeaf?: boolean;
  /**
   * With anchors: a chain that leads to none comes back with `trustedBy` undefined instead of
   * being refused, for a caller that names that refusal itself (mdoc: `mdoc_iaca_untrusted`).
   */
  untrustedIsResult?: boolean;
  /** How DER becomes a certificate (default: node:crypto, every time); a caller may cache. */
  parse?: (der: Uint8Array) => X509Certificate;
  /** Whether `child` names `parent` as issuer and carries its valid signature; a caller may cache. */
  signedBy?: (child: X509Certificate, parent: X509Certificate) => boolean;
}

/** Anchors may be given parsed (a configured trust list parsed once) or as DER. */
export function checkCertificateChain(ders: readonly Uint8Array[], opts: CheckChainOptions): CheckedChain {
  if (ders.length === 0) throw formatError('certificate_invalid', 'the chain holds no certificate');
  if (ders.length > MAX_CHAIN_LENGTH) throw formatError('certificate_invalid', `a chain of at most ${MAX_CHAIN_LENGTH} certificates`);
  const signedBy = opts.signedBy ?? checkSignedBy;
  const certs = ders.map((der) => parseCertificate(der, opts.parse));
  for (const c of certs) {
    if (!inValidity(c, opts.now))
      throw formatError('certificate_expired', `certificate "${nameOf(c)}" is valid ${c.validFrom} – ${c.validTo}`);
  }
  checkChainLinks(certs, opts.caLeaf, signedBy);
  // Every caller verifies signatures with the leaf's key. RFC 5280 §4.2.1.3: a keyUsage stated
  // without digitalSignature does not verify signatures other than on certificates and CRLs (a
  // certificate that states none may).
  const ku = keyUsageOf(certs[0]!);
  if (ku !== undefined && !(ku & KeyUsageFlags.digitalSignature))
    throw formatError('certificate_chain_invalid', "the leaf certificate's keyUsage does not allow digitalSignature");
  const last = certs[certs.length - 1]!;
  const selfSigned = certs.length > 1 && signedBy(last, last);
  let trustedBy: number | undefined;
  if (opts.anchors) {
    // A wallet: the chain must end at, or just under, one of ITS anchors; a self-signed root the
    // chain brings along proves nothing (anyone can make one).
    trustedBy = opts.anchors.findIndex((a) =>
      chainEndsAt(certs, a instanceof X509Certificate ? a : parseCertificate(a), { now: opts.now, signedBy }),
    );
    if (trustedBy < 0 && !opts.untrustedIsResult)
      throw formatError('certificate_chain_invalid', 'the chain does not lead to a trusted anchor');
  }
  const anchor = trustedBy !== undefined && trustedBy >= 0 ? opts.anchors![trustedBy]! : undefined;
  checkPathLengths(certs, anchor === undefined || anchor instanceof X509Certificate ? anchor : parseCertificate(anchor));
  const x5c = (selfSigned ? certs.slice(0, -1) : certs).map((c) => c.raw);
  return {
    certs,
    x5c,
    anchor: selfSigned ? last.raw : undefined,
    notAfter: Math.min(...certs.map((c) => new Date(c.validTo).getTime())),
    trustedBy: trustedBy === undefined || trustedBy < 0 ? undefined : trustedBy,
  };
}
