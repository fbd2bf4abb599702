/**
 * A wallet's check of a request object made under an X.509 client identifier (OpenID4VP 1.0
 * §5.9.3, HAIP 1.0), shared by the CLI wallet (node:crypto reads the certificates) and the web
 * wallet (@peculiar/x509 on WebCrypto): the rules are here, each wallet passes its certificate
 * reader and words the refusal (a stable `reason`) in its own way.
 * - the `x5c` chain (leaf first) leads to one of the wallet's trust anchors, every certificate
 *   inside its validity (the reader's job: `certificate_expired`, `chain_untrusted`);
 * - the JWS (typ `oauth-authz-req+jwt`, ES256) verifies under the leaf's key, which passes the
 *   curve-point gate;
 * - `x509_san_dns:<name>`: the leaf's subjectAltName has that dNSName, and the response_uri's
 *   host is that name (§5.9.3, for the direct_post response modes);
 * - `x509_hash:<hash>`: the base64url SHA-256 of the leaf's DER is that hash.
 * Pure apart from WebCrypto's digest (node 20 and browsers both have `crypto.subtle`).
 */
import { base64url, compactVerify, decodeProtectedHeader, importJWK, type JWK, type ProtectedHeaderParameters } from 'jose';
import { isRealPublicJwk } from '../formats/jose/check-public-jwk.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { splitClientId } from '../formats/x509/client-id-prefix.js';

export type X509Refusal =
  | 'not_x509'
  | 'no_trust_anchor'
  | 'no_x5c'
  | 'certificate_expired'
  | 'chain_untrusted'
  | 'bad_signature'
  | 'hash_mismatch'
  | 'san_mismatch'
  | 'response_uri_host';

export class X509RequestRefused extends Error {
  constructor(
    readonly reason: X509Refusal,
    detail: string,
  ) {
    super(detail);
    this.name = 'X509RequestRefused';
  }
}

/** The leaf certificate as the wallet shows it and checks it. */
export interface X509Leaf {
  der: Uint8Array;
  jwk: JWK;
  /** subjectAltName dNSName entries, lower case. */
  dnsNames: string[];
  /** The subject's distinguished name on one line (`CN=…, O=…`). */
  subject: string;
}

export interface CertificateReader {
  /** Whether the wallet has any trust anchor at all (none: refused before anything is read). */
  hasAnchors: boolean;
  /** Checks the chain, leaf first, up to one of the wallet's anchors at `now`; throws X509RequestRefused. */
  checkChain(x5c: Uint8Array[], now: number): Promise<X509Leaf>;
}

const MAX_CHAIN_LENGTH = 5;

/** RFC 7515 §4.1.6: base64 (not base64url) DER values, leaf first; undefined unless 1 to 5 such values. */
export function readX5cHeader(x5c: unknown): Uint8Array[] | undefined {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN_LENGTH) return undefined;
  if (!x5c.every((c) => typeof c === 'string' && c.length <= 16_384 && /^[A-Za-z0-9+/]+={0,2}$/.test(c))) return undefined;
  return x5c.map((c: string) => Uint8Array.from(atob(c), (ch) => ch.charCodeAt(0)));
}

/** §5.9.3 x509_hash: base64url (no padding) of the SHA-256 of the DER-encoded leaf. */
export const x509HashOfLeaf = async (der: Uint8Array): Promise<string> =>
  base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.from(der))));

export async function checkX509Request(
  jwt: string,
  clientId: string,
  /** responseUriOnSanDns: false over the Digital Credentials API, which has no response_uri (the answer goes to the origin). */
  opts: { reader: CertificateReader; now: number; responseUriOnSanDns: boolean },
): Promise<{ payload: JsonObject; leaf: X509Leaf }> {
  const id = splitClientId(clientId);
  if (!id || (id.prefix !== 'x509_san_dns' && id.prefix !== 'x509_hash'))
    throw new X509RequestRefused('not_x509', `not an X.509 client identifier: ${clientId}`);
  if (!opts.reader.hasAnchors) throw new X509RequestRefused('no_trust_anchor', `the verifier identifies itself by X.509 (${id.prefix})`);
  // jose reads the JWS here (it runs in the browser too); the CLI parses strictly first (parseCompactJws).
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new X509RequestRefused('bad_signature', 'the request object is not a compact JWS');
  }
  const x5c = readX5cHeader(header.x5c);
  if (!x5c) throw new X509RequestRefused('no_x5c', 'the request object has no usable x5c certificate chain');
  const leaf = await opts.reader.checkChain(x5c, opts.now);
  // The key entering from the certificate goes through the same curve-point gate as every other.
  if (!isRealPublicJwk(leaf.jwk, { torsionFree: true }) || leaf.jwk.kty !== 'EC' || leaf.jwk.crv !== 'P-256')
    throw new X509RequestRefused('bad_signature', "the verifier's certificate holds no usable P-256 key");
  // RFC 9101 §10.8 / HAIP 1.0: an explicitly typed request object, ES256.
  if (header.typ !== 'oauth-authz-req+jwt' || header.alg !== 'ES256')
    throw new X509RequestRefused('bad_signature', 'the request object is not an ES256 oauth-authz-req+jwt');
  const verified = await compactVerify(jwt, await importJWK(leaf.jwk, 'ES256'), { algorithms: ['ES256'] }).catch(() => {
    throw new X509RequestRefused('bad_signature', "the request object does not verify under the verifier's certificate");
  });
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
  } catch {
    payload = undefined;
  }
  if (!isJsonObject(payload)) throw new X509RequestRefused('bad_signature', 'the request object payload is not a JSON object');
  if (id.prefix === 'x509_hash' && (await x509HashOfLeaf(leaf.der)) !== id.identifier)
    throw new X509RequestRefused('hash_mismatch', 'x509_hash: the client_id is not the hash of the certificate that signed the request');
  if (id.prefix === 'x509_san_dns') {
    const name = id.identifier.toLowerCase();
    if (!leaf.dnsNames.includes(name))
      throw new X509RequestRefused('san_mismatch', `x509_san_dns: the certificate is not for ${id.identifier}`);
    // §5.9.3: with the direct_post modes the response_uri's host is the dNSName.
    if (opts.responseUriOnSanDns) {
      let host: string | undefined;
      try {
        host = new URL(String(payload.response_uri)).hostname.toLowerCase();
      } catch {
        host = undefined;
      }
      if (host !== name) throw new X509RequestRefused('response_uri_host', `x509_san_dns: the response_uri is not on ${id.identifier}`);
    }
  }
  return { payload, leaf };
}
