/**
 * The token request of either issuance flow in the reference wallet (OpenID4VCI §6, RFC 6749
 * §4.1.3): form-encoded, with a DPoP proof (RFC 9449) when the authorization server takes ES256,
 * so the token is bound to a key of this issuance.
 */
import type { JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import { callWithDpop, startDpopSession, type DpopSession } from './dpop-calls.js';

export interface AccessToken {
  accessToken: string;
  /** The DPoP session the token is bound to (token_type DPoP), for every call made with it. */
  dpop: DpopSession | undefined;
}

export async function requestAccessToken(f: typeof fetch, as: JsonObject, form: URLSearchParams, now: () => Date): Promise<AccessToken> {
  const dpopAlgs = as.dpop_signing_alg_values_supported;
  const dpop: DpopSession | undefined = Array.isArray(dpopAlgs) && dpopAlgs.includes('ES256') ? await startDpopSession(now) : undefined;
  const tokenEndpoint = checkUrl(as.token_endpoint, 'token_endpoint');
  const tokenInit = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() };
  const token = dpop
    ? await callWithDpop(f, dpop, tokenEndpoint, tokenInit, 'token endpoint')
    : await call(f, tokenEndpoint, { method: 'POST', ...tokenInit }, 'token endpoint');
  if (typeof token.access_token !== 'string') throw failed('the token endpoint sent no access token');
  const bound = dpop !== undefined && typeof token.token_type === 'string' && token.token_type.toLowerCase() === 'dpop';
  return { accessToken: token.access_token, dpop: bound ? dpop : undefined };
}
