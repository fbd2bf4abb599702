/**
 * DPoP for the reference wallet (RFC 9449): one ephemeral P-256 key per issuance, a proof per
 * request (`htm`, `htu`, `iat`, a fresh `jti`, the server's nonce, and `ath` with an access
 * token), the server's `DPoP-Nonce` kept from every answer, and one retry when the server
 * answers `use_dpop_nonce` (§8, §9).
 */
import { randomUUID, hash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { JsonObject } from '../formats/jose/types.js';
import type { Fetcher } from '../http-client/fetch-capped.js';
import type { CappedResponse } from '../http-client/fetch-capped.js';
import { fetchForWallet, jsonAnswer } from './wallet-http.js';
import { openCredentialAnswer, PLAIN_EXCHANGE, sealCredentialRequest, type CredentialExchange } from './credential-request-encryption.js';

export interface DpopSession {
  privateKey: CryptoKey;
  publicJwk: { kty: string; crv: string; x: string; y: string };
  /** The last DPoP-Nonce the server gave. */
  nonce: string | undefined;
  now: () => Date;
}

export async function startDpopSession(now: () => Date): Promise<DpopSession> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string }, nonce: undefined, now };
}

export async function createDpopProof(session: DpopSession, htm: string, htu: string, accessToken?: string): Promise<string> {
  const u = new URL(htu);
  return new SignJWT({
    htm,
    // §4.2: the URI without query and fragment.
    htu: `${u.origin}${u.pathname}`,
    iat: Math.floor(session.now().getTime() / 1000),
    jti: randomUUID(),
    ...(session.nonce !== undefined && { nonce: session.nonce }),
    ...(accessToken !== undefined && { ath: hash('sha256', accessToken, 'base64url') }),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: session.publicJwk })
    .sign(session.privateKey);
}

/** A POST with a DPoP proof; retried once with the server's nonce when it asks for one. */
export async function callWithDpop(
  f: Fetcher,
  session: DpopSession,
  url: string,
  init: { headers: Record<string, string>; body: string },
  what: string,
  accessToken?: string,
  open: (res: CappedResponse) => Promise<CappedResponse> = async (res) => res,
): Promise<JsonObject> {
  for (let attempt = 0; ; attempt++) {
    const headers = { ...init.headers, dpop: await createDpopProof(session, 'POST', url, accessToken) };
    const res = await fetchForWallet(f, url, { method: 'POST', headers, body: init.body, accept: 'application/json' }, what);
    const given = res.headers.get('dpop-nonce');
    if (given) session.nonce = given;
    if (attempt === 0 && given && (res.status === 400 || res.status === 401) && /use_dpop_nonce/.test(res.text)) continue;
    return jsonAnswer(await open(res), what);
  }
}

/**
 * A JSON POST with an access token: with the DPoP scheme and a proof carrying `ath` when the
 * token is bound to `bound`'s key (RFC 9449 §7.1), else as a Bearer token (RFC 6750). At the
 * credential and deferred credential endpoints, `exchange` encrypts the request and opens the
 * answer when the issuance encrypts them (credential-request-encryption.ts).
 */
export async function postWithToken(
  f: Fetcher,
  bound: DpopSession | undefined,
  url: string,
  accessToken: string,
  body: JsonObject,
  what: string,
  exchange: CredentialExchange = PLAIN_EXCHANGE,
): Promise<JsonObject> {
  const sealed = await sealCredentialRequest(exchange, body);
  const open = (res: CappedResponse) => openCredentialAnswer(exchange, res);
  if (bound)
    return callWithDpop(
      f,
      bound,
      url,
      { headers: { 'content-type': sealed.type, authorization: `DPoP ${accessToken}` }, body: sealed.body },
      what,
      accessToken,
      open,
    );
  const headers = { 'content-type': sealed.type, authorization: `Bearer ${accessToken}` };
  const res = await fetchForWallet(f, url, { method: 'POST', headers, body: sealed.body, accept: 'application/json' }, what);
  return jsonAnswer(await open(res), what);
}
