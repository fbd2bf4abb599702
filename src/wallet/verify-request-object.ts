/**
 * The CLI wallet's check of a signed request object (RFC 9101 §6.2, OpenID4VP 1.0 §5.9.3), by
 * its client identifier prefix: `decentralized_identifier:did:web:…` verifies against the
 * verifier's did:web document, `x509_san_dns:` / `x509_hash:` against the holder's trust anchors
 * (verify-x509-request.ts). Shared by `wallet present` (a request object by reference) and
 * `wallet present-dc-api` (a signed request handed over by the browser). Returns the payload;
 * throws a one-line reason the wallet shows.
 */
import type { JWK } from 'jose';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { checkPublicJwk } from '../formats/jose/check-public-jwk.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { isAppError } from '../errors.js';
import { didWebUrl } from '../holder/did-web-url.js';
import { didWebOfClientId } from '../holder/read-request-link.js';
import { verifyX509Request } from './verify-x509-request.js';
import { call, checkUrl, failed } from './wallet-http.js';

const fail = (message: string) => failed(message, 'present_failed');

/** Whether this wallet can authenticate a verifier under this client identifier. */
export const isTrustedClientIdPrefix = (clientId: string): boolean =>
  didWebOfClientId(clientId) !== undefined || /^x509_(san_dns|hash):/.test(clientId);

async function resolveDidWebKey(f: typeof fetch, did: string, kid: unknown): Promise<{ jwk: JWK; alg: 'ES256' | 'EdDSA' } | undefined> {
  if (typeof kid !== 'string' || !kid.startsWith(`${did}#`)) return undefined;
  const url = didWebUrl(did);
  if (url === undefined) return undefined;
  const doc = await call(f, checkUrl(url, 'did:web document'), {}, 'did:web document');
  const vm = (Array.isArray(doc.verificationMethod) ? doc.verificationMethod : []).find((m) => isJsonObject(m) && m.id === kid) as
    JsonObject | undefined;
  if (!vm || !isJsonObject(vm.publicKeyJwk)) return undefined;
  // A real public key in its canonical encoding: under a small-order Ed25519 key anyone could
  // sign requests in this verifier's name. Throws (→ "does not verify") otherwise.
  const jwk = checkPublicJwk(vm.publicKeyJwk, { torsionFree: true });
  return { jwk, alg: algForJwk(jwk) };
}

export async function verifyRequestObject(
  f: typeof fetch,
  jwt: string,
  clientId: string,
  opts: {
    trustAnchors: Uint8Array[];
    now: Date;
    /** x509_san_dns: the response_uri must be on the name (§5.9.3); off over the DC API, which has none. */
    responseUriOnSanDns?: boolean;
  },
): Promise<JsonObject> {
  if (!isTrustedClientIdPrefix(clientId))
    throw fail(`this wallet trusts the did:web, x509_san_dns and x509_hash client identifier prefixes, not ${clientId}`);
  if (/^x509_/.test(clientId)) return verifyX509Request(jwt, clientId, { ...opts, fail });
  const did = didWebOfClientId(clientId)!;
  try {
    const jws = parseCompactJws(jwt);
    const key = await resolveDidWebKey(f, did, jws.header.kid);
    // RFC 9101 §6.2 + OpenID4VP §5.10: signed by the client, typed.
    const { payload } = await verifyCompactJws(jws, {
      resolveKey: () => key,
      allowedAlgs: ['ES256', 'EdDSA'],
      expectedTyp: 'oauth-authz-req+jwt',
    });
    return payload;
  } catch (e) {
    throw isAppError(e) && e.code === 'present_failed' ? e : fail("the request object does not verify against the verifier's did:web keys");
  }
}
