/**
 * DPoP in the browser wallet (RFC 9449): a P-256 key made by WebCrypto as NON-extractable for
 * one issuance (the token it is bound to lives minutes; the key is not stored), a proof per
 * request (`htm`, `htu`, `iat`, a fresh `jti`, the server nonce, `ath` with an access token),
 * the server's `DPoP-Nonce` kept from every answer, and one retry on `use_dpop_nonce` (§8, §9).
 */
import { base64url } from 'jose';
import { ApiError, callApi, type CallOptions } from '../shared/api.js';
import { generateP256Key, signJws } from './holder-key.js';

export interface DpopSession {
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
  nonce: string | undefined;
}

export async function startDpop(): Promise<DpopSession> {
  return { ...(await generateP256Key()), nonce: undefined };
}

async function proof(session: DpopSession, htm: string, url: string, accessToken?: string): Promise<string> {
  const u = new URL(url);
  const payload: Record<string, unknown> = {
    htm,
    htu: `${u.origin}${u.pathname}`,
    iat: Math.floor(Date.now() / 1000),
    jti: crypto.randomUUID(),
  };
  if (session.nonce !== undefined) payload.nonce = session.nonce;
  if (accessToken !== undefined)
    payload.ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
  return signJws({ typ: 'dpop+jwt', jwk: session.publicJwk }, payload, session.privateKey);
}

/** A POST with a DPoP proof (and the token under the DPoP scheme, when given); one retry with the server's nonce. */
export async function callWithDpop<T>(session: DpopSession, url: string, opts: CallOptions, accessToken?: string): Promise<T> {
  const keepNonce = (h: Headers) => {
    const n = h.get('dpop-nonce');
    if (n) session.nonce = n;
  };
  const once = async () =>
    callApi<T>(url, {
      ...opts,
      ...(accessToken !== undefined && { bearer: accessToken, scheme: 'DPoP' as const }),
      headers: { dpop: await proof(session, 'POST', url, accessToken) },
      onHeaders: keepNonce,
    });
  try {
    return await once();
  } catch (e) {
    if (e instanceof ApiError && e.code === 'use_dpop_nonce') return once();
    throw e;
  }
}
