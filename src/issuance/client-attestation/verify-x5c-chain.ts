/**
 * Wallet provider certificates (HAIP 1.0 §4.4.1 wallet attestations, §4.5.1 key attestations):
 * the signing certificate and any intermediates travel in the JWS `x5c` header, the trust
 * anchor does not (it is configured, TRUSTED_WALLET_PROVIDERS `certificates`). The chain is
 * checked by the one X.509 chain check (formats/x509/check-certificate-chain.ts: every
 * certificate valid now, each one issued and signed by the next, intermediates are CAs, the last
 * one issued and signed by a configured anchor, a signing certificate that is not self-signed),
 * plus the HAIP rule that no anchor is inside `x5c`. The signing certificate's key then passes
 * the public key gate. Returns that key and the provider's name.
 */
import type { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { checkCertificateChain, leafPublicJwk, MAX_CHAIN_LENGTH, readX5c } from '../../formats/x509/check-certificate-chain.js';
import { FormatError } from '../../formats/format-error.js';

export interface TrustAnchor {
  provider: string;
  certificate: X509Certificate;
}

/** The x5c chain could not be trusted; the message says why. */
export class X5cRefusal extends Error {}

export function verifyX5cChain(x5c: unknown, anchors: readonly TrustAnchor[], now: Date): { jwk: JWK; provider: string } {
  const ders = readX5c(x5c);
  if (!ders) throw new X5cRefusal(`x5c must hold 1 to ${MAX_CHAIN_LENGTH} base64 DER certificates`);
  // HAIP §4.5.1: the trust anchor is not sent in x5c.
  if (ders.some((d) => anchors.some((a) => a.certificate.raw.equals(d)))) throw new X5cRefusal('x5c must not include the trust anchor');
  try {
    const checked = checkCertificateChain(ders, { now: now.getTime(), anchors: anchors.map((a) => a.certificate), caLeaf: true });
    return { jwk: leafPublicJwk(checked.certs[0]!), provider: anchors[checked.trustedBy!]!.provider };
  } catch (e) {
    // A certificate node cannot read or a key it cannot export is a refusal too, as before.
    throw new X5cRefusal(e instanceof FormatError ? e.message : 'x5c holds a certificate that cannot be used');
  }
}
