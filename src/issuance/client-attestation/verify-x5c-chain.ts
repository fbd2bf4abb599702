/**
 * Wallet provider certificates (HAIP 1.0 §4.4.1 wallet attestations, §4.5.1 key attestations):
 * the signing certificate and any intermediates travel in the JWS `x5c` header, the trust
 * anchor does not (it is configured, TRUSTED_WALLET_PROVIDERS `certificates`). Checked with
 * node:crypto's X509Certificate: every certificate valid now, each one issued and signed by
 * the next, intermediates are CAs, the last one issued and signed by a configured anchor, no
 * anchor inside `x5c`, and a signing certificate that is not self-signed. The signing
 * certificate's key then passes the public key gate. Returns that key and the provider's name.
 */
import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { checkPublicJwk } from '../../formats/jose/check-public-jwk.js';

export interface TrustAnchor {
  provider: string;
  certificate: X509Certificate;
}

/** The x5c chain could not be trusted; the message says why. */
export class X5cRefusal extends Error {}

const MAX_CHAIN = 5;

function parseChain(x5c: unknown): X509Certificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN) throw new X5cRefusal('x5c must hold 1 to 5 certificates');
  return x5c.map((c) => {
    // RFC 7515 §4.1.6: base64 (not base64url) DER.
    if (typeof c !== 'string' || c.length > 16_384 || !/^[A-Za-z0-9+/]+={0,2}$/.test(c))
      throw new X5cRefusal('x5c holds a value that is not base64 DER');
    try {
      return new X509Certificate(Buffer.from(c, 'base64'));
    } catch {
      throw new X5cRefusal('x5c holds something that is not a certificate');
    }
  });
}

const validAt = (c: X509Certificate, now: Date) => Date.parse(c.validFrom) <= now.getTime() && now.getTime() <= Date.parse(c.validTo);
const signedBy = (child: X509Certificate, parent: X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);

export function verifyX5cChain(x5c: unknown, anchors: readonly TrustAnchor[], now: Date): { jwk: JWK; provider: string } {
  const chain = parseChain(x5c);
  const leaf = chain[0] as X509Certificate;
  for (const c of chain) {
    if (!validAt(c, now)) throw new X5cRefusal('a certificate in x5c is expired or not yet valid');
    // HAIP §4.5.1: the trust anchor is not sent in x5c.
    if (anchors.some((a) => a.certificate.fingerprint256 === c.fingerprint256))
      throw new X5cRefusal('x5c must not include the trust anchor');
  }
  // HAIP §4.5.1: the signing certificate is not self-signed.
  if (signedBy(leaf, leaf)) throw new X5cRefusal('the signing certificate is self-signed');
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i] as X509Certificate;
    const parent = chain[i + 1] as X509Certificate;
    if (!parent.ca || !signedBy(child, parent)) throw new X5cRefusal('x5c is not a chain of certificates each issued by the next');
  }
  const top = chain[chain.length - 1] as X509Certificate;
  const anchor = anchors.find((a) => validAt(a.certificate, now) && a.certificate.ca && signedBy(top, a.certificate));
  if (!anchor) throw new X5cRefusal('x5c does not lead to a trusted wallet provider');
  let jwk: JWK;
  try {
    jwk = checkPublicJwk(leaf.publicKey.export({ format: 'jwk' }), { torsionFree: true }) as JWK;
  } catch {
    throw new X5cRefusal('the signing certificate key is not a P-256 or Ed25519 public key');
  }
  return { jwk, provider: anchor.provider };
}
