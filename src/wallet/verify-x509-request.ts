/**
 * The CLI wallet's check of a request object made under an X.509 client identifier
 * (OpenID4VP 1.0 §5.9.3): the `x5c` chain (leaf first) leads to one of the trust anchors the
 * holder gave the wallet, the JWS verifies under the leaf's key, and
 * - `x509_san_dns:<name>`: the leaf's subjectAltName has that dNSName, and the response_uri's
 *   host is that name (§5.9.3, for response_mode direct_post; not over the DC API, which has none);
 * - `x509_hash:<hash>`: the base64url SHA-256 of the leaf's DER is that hash.
 * Returns the verified payload; throws a one-line reason the wallet shows.
 */
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';
import { isAppError } from '../errors.js';
import { checkCertificateChain, leafPublicJwk, readX5c, sanDnsNames } from '../formats/x509/check-certificate-chain.js';
import { splitClientId, x509HashOf } from '../formats/x509/x509-client-id.js';

export async function verifyX509Request(
  jwt: string,
  clientId: string,
  opts: { trustAnchors: Uint8Array[]; now: Date; fail: (message: string) => Error; responseUriOnSanDns?: boolean },
): Promise<JsonObject> {
  const id = splitClientId(clientId);
  if (!id || (id.prefix !== 'x509_san_dns' && id.prefix !== 'x509_hash')) throw opts.fail(`not an X.509 client identifier: ${clientId}`);
  if (opts.trustAnchors.length === 0) {
    throw opts.fail(`the verifier identifies itself by X.509 (${id.prefix}); give this wallet its trust anchor with --trust-anchor`);
  }
  const jws = parseCompactJws(jwt);
  const x5c = readX5c(jws.header.x5c);
  if (!x5c) throw opts.fail('the request object has no usable x5c certificate chain');
  let checked;
  try {
    checked = checkCertificateChain(x5c, { now: opts.now.getTime(), anchors: opts.trustAnchors });
  } catch (e) {
    throw opts.fail(`the verifier's certificate chain is not trusted: ${isAppError(e) ? e.message : 'unreadable'}`);
  }
  const leaf = checked.certs[0]!;
  const { payload } = await verifyCompactJws(jws, {
    resolveKey: () => ({ jwk: leafPublicJwk(leaf), alg: 'ES256' }),
    allowedAlgs: ['ES256'],
    expectedTyp: 'oauth-authz-req+jwt',
  }).catch(() => {
    throw opts.fail("the request object does not verify under the verifier's certificate");
  });
  if (id.prefix === 'x509_hash' && x509HashOf(leaf.raw) !== id.identifier) {
    throw opts.fail('x509_hash: the client_id is not the hash of the certificate that signed the request');
  }
  if (id.prefix === 'x509_san_dns') {
    if (!sanDnsNames(leaf).includes(id.identifier.toLowerCase())) {
      throw opts.fail(`x509_san_dns: the certificate is not for ${id.identifier}`);
    }
    // Over the DC API there is no response_uri: the answer goes back to the origin the browser named.
    if (opts.responseUriOnSanDns === false) return payload;
    let host: string | undefined;
    try {
      host = new URL(String(payload.response_uri)).hostname.toLowerCase();
    } catch {
      host = undefined;
    }
    if (host !== id.identifier.toLowerCase()) throw opts.fail(`x509_san_dns: the response_uri is not on ${id.identifier}`);
  }
  return payload;
}
