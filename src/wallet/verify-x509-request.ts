/**
 * The CLI wallet's check of a request object made under an X.509 client identifier: the rules of
 * holder/check-x509-request.ts (shared with the web wallet) with node:crypto reading the
 * certificates against the trust anchors the holder gave (`--trust-anchor`). Returns the verified
 * payload; throws a one-line reason the wallet shows.
 */
import type { JsonObject } from '../formats/jose/types.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { isAppError } from '../errors.js';
import { checkCertificateChain, leafPublicJwk, sanDnsNames } from '../formats/x509/check-certificate-chain.js';
import { checkX509Request, X509RequestRefused, type CertificateReader, type X509Refusal } from '../holder/check-x509-request.js';

/** The CLI's words for each refusal (`detail` is the shared check's one line). */
const MESSAGE: Partial<Record<X509Refusal, (detail: string) => string>> = {
  no_trust_anchor: (d) => `${d}; give this wallet its trust anchor with --trust-anchor`,
  chain_untrusted: (d) => `the verifier's certificate chain is not trusted: ${d}`,
  certificate_expired: (d) => `the verifier's certificate chain is not trusted: ${d}`,
  bad_signature: () => "the request object does not verify under the verifier's certificate",
};

function nodeReader(trustAnchors: Uint8Array[]): CertificateReader {
  return {
    hasAnchors: trustAnchors.length > 0,
    async checkChain(x5c, now) {
      try {
        const leaf = checkCertificateChain(x5c, { now, anchors: trustAnchors }).certs[0]!;
        return {
          der: leaf.raw,
          // Exported and checked as a point of its curve (a DSA or RSA key is refused here).
          jwk: leafPublicJwk(leaf),
          dnsNames: sanDnsNames(leaf),
          subject: leaf.subject.replace(/\n/g, ', '),
        };
      } catch (e) {
        const expired = isAppError(e) && e.code === 'certificate_expired';
        throw new X509RequestRefused(expired ? 'certificate_expired' : 'chain_untrusted', isAppError(e) ? e.message : 'unreadable');
      }
    },
  };
}

export async function verifyX509Request(
  jwt: string,
  clientId: string,
  opts: { trustAnchors: Uint8Array[]; now: Date; fail: (message: string) => Error; responseUriOnSanDns?: boolean },
): Promise<JsonObject> {
  // Strict compact-JWS reading first (duplicate members, non-canonical base64url, crit: SECURITY.md, Tokens).
  parseCompactJws(jwt);
  try {
    return (
      await checkX509Request(jwt, clientId, {
        reader: nodeReader(opts.trustAnchors),
        now: opts.now.getTime(),
        responseUriOnSanDns: opts.responseUriOnSanDns ?? true,
      })
    ).payload;
  } catch (e) {
    if (!(e instanceof X509RequestRefused)) throw e;
    throw opts.fail(MESSAGE[e.reason]?.(e.message) ?? e.message);
  }
}
