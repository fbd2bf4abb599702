/**
 * The citizen's login at the operator's identity provider, OpenID Connect Core 1.0 Authorization
 * Code Flow: discovery (OIDC Discovery §4, the `issuer` must be the configured one) → an
 * authentication request with `state`, `nonce` and PKCE S256 → the code exchanged at the token
 * endpoint (`client_secret_basic`) → the ID token verified with jose against the provider's JWKS
 * (§3.1.3.7: iss, aud, azp, exp, iat, nonce). The nonce and the PKCE verifier are derived from
 * the state (HMAC), so only the state's hash is stored. Every request goes through
 * fetch-operator-endpoint.ts.
 */
import { createHmac, hash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { fetchOperatorEndpoint } from '../../http-client/fetch-operator-endpoint.js';
import { parseOutboundAllowList } from '../../http-client/outbound-allow-list.js';
import { p384 } from '@noble/curves/nist.js';
import { checkPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { isJsonObject } from '../../formats/jose/types.js';
import { serviceSecret } from '../../keys/service-secret.js';
import { AUTHORIZATION_PATHS, type AuthorizationDeps } from './authorization-deps.js';

const MAX_BYTES = 256 * 1024;
const TIMEOUT_MS = 10_000;
const DISCOVERY_CACHE_MS = 3_600_000;
/** ID token algorithms accepted (RFC 8725 §3.1: an allow-list, never `none`). */
const ID_TOKEN_ALGS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'];

export class IdentityProviderError extends Error {}

interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  /** RFC 9207 §3: the provider puts `iss` in every authorization response, so one without it is refused. */
  sendsIss: boolean;
}

const cache = new Map<string, { at: number; metadata: ProviderMetadata }>();

async function getJson(
  deps: AuthorizationDeps,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: URLSearchParams } = {},
) {
  const res = await fetchOperatorEndpoint(url, {
    accept: 'application/json',
    maxBytes: MAX_BYTES,
    timeoutMs: TIMEOUT_MS,
    allow: parseOutboundAllowList(deps.config.authorizationCode.allowHosts),
    production: deps.config.nodeEnv === 'production',
    ...init,
  }).catch((e: Error) => {
    throw new IdentityProviderError(`identity provider unreachable: ${e.message}`);
  });
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new IdentityProviderError(`identity provider answered ${res.status} without JSON`);
  }
  // Every answer read here is an object (discovery, JWKS, token response); `null` or an array is a fault of the provider's.
  if (!isJsonObject(body)) throw new IdentityProviderError(`identity provider answered ${res.status} with JSON that is not an object`);
  return { status: res.status, body };
}

export async function providerMetadata(deps: AuthorizationDeps): Promise<ProviderMetadata> {
  const issuer = deps.config.authorizationCode.oidcIssuer;
  const hit = cache.get(issuer);
  const now = deps.clock.now();
  if (hit && now - hit.at < DISCOVERY_CACHE_MS) return hit.metadata;
  const { status, body } = await getJson(deps, `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  // OIDC Discovery §4.3: the issuer in the document MUST be the one asked for.
  if (status !== 200 || str('issuer') !== issuer)
    throw new IdentityProviderError('identity provider discovery failed or names another issuer');
  const metadata = {
    issuer,
    authorization_endpoint: str('authorization_endpoint'),
    token_endpoint: str('token_endpoint'),
    jwks_uri: str('jwks_uri'),
    sendsIss: body.authorization_response_iss_parameter_supported === true,
  };
  if (!metadata.authorization_endpoint || !metadata.token_endpoint || !metadata.jwks_uri)
    throw new IdentityProviderError('identity provider metadata lacks an endpoint');
  cache.set(issuer, { at: now, metadata });
  return metadata;
}

/**
 * The login's PKCE verifier, nonce and browser binding, derived from its `state` under a random
 * secret the nodes share (service-secret.ts), so any node can finish a login another started. The
 * state itself travels in URLs; keyed by it alone, anyone who saw the callback could compute them.
 */
const derive = async (deps: AuthorizationDeps, state: string, label: string): Promise<string> => {
  const key = await serviceSecret(deps.store, 'oidc login', deps.clock.now());
  return createHmac('sha256', key).update(`dproof idp ${label}\n${state}`).digest('base64url');
};
/** The value of the cookie that ties the login to the browser that started it at the authorization endpoint. */
export const browserBinding = (deps: AuthorizationDeps, state: string) => derive(deps, state, 'browser');
export const callbackUrl = (deps: AuthorizationDeps) => `${deps.config.publicUrl}${AUTHORIZATION_PATHS.callback}`;

/** Where to send the citizen: the provider's authorization endpoint with state, nonce and PKCE. */
export async function loginUrl(deps: AuthorizationDeps, state: string): Promise<string> {
  const m = await providerMetadata(deps);
  const c = deps.config.authorizationCode;
  const u = new URL(m.authorization_endpoint);
  const verifier = await derive(deps, state, 'pkce');
  const params = {
    response_type: 'code',
    client_id: c.oidcClientId,
    redirect_uri: callbackUrl(deps),
    scope: c.oidcScope,
    state,
    nonce: await derive(deps, state, 'nonce'),
    code_challenge: hash('sha256', verifier, 'base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * A P-384 public key (an identity provider's ES384 ID tokens; our own keys are P-256 or Ed25519):
 * both coordinates 48 bytes in canonical unpadded base64url, and the point on the curve (SEC 1
 * §3.2.2.1). Only `kty`, `crv`, `x`, `y` are looked at.
 */
export function isP384PublicJwk(jwk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }): boolean {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-384' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return false;
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  if (x.length !== 48 || y.length !== 48 || x.toString('base64url') !== jwk.x || y.toString('base64url') !== jwk.y) return false;
  try {
    p384.Point.fromBytes(Uint8Array.from([4, ...x, ...y]));
    return true;
  } catch {
    return false;
  }
}

/** The public keys of the provider, each EC/OKP key checked as a point on its curve. */
async function providerKeys(deps: AuthorizationDeps, jwksUri: string): Promise<JSONWebKeySet> {
  const { status, body } = await getJson(deps, jwksUri);
  if (status !== 200 || !Array.isArray(body.keys)) throw new IdentityProviderError('identity provider JWKS unreadable');
  const keys: JWK[] = [];
  for (const k of body.keys as JWK[]) {
    if (typeof k !== 'object' || k === null || 'd' in k) continue;
    if (k.kty === 'EC' && k.crv === 'P-384') {
      if (!isP384PublicJwk(k)) continue; // ES384 (ID_TOKEN_ALGS): not a point of P-384, never used
    } else if (k.kty === 'EC' || k.kty === 'OKP') {
      try {
        checkPublicJwk({ kty: k.kty, crv: k.crv, x: k.x, ...(k.y !== undefined && { y: k.y }) });
      } catch {
        continue; // not a point of a supported curve: never used
      }
    } else if (k.kty !== 'RSA') continue;
    keys.push(k);
  }
  return { keys };
}

/** The authenticated subject: the code exchanged and the ID token verified. */
export async function finishLogin(deps: AuthorizationDeps, state: string, code: string): Promise<{ sub: string }> {
  const m = await providerMetadata(deps);
  const c = deps.config.authorizationCode;
  const basic = Buffer.from(`${encodeURIComponent(c.oidcClientId)}:${encodeURIComponent(c.oidcClientSecret)}`).toString('base64');
  const { status, body } = await getJson(deps, m.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackUrl(deps),
      code_verifier: await derive(deps, state, 'pkce'),
    }),
  });
  if (status !== 200 || typeof body.id_token !== 'string')
    throw new IdentityProviderError(`identity provider token endpoint answered ${status}`);
  const jwks = createLocalJWKSet(await providerKeys(deps, m.jwks_uri));
  let payload;
  try {
    ({ payload } = await jwtVerify(body.id_token, jwks, {
      issuer: m.issuer,
      audience: c.oidcClientId,
      algorithms: ID_TOKEN_ALGS,
      requiredClaims: ['sub', 'iat', 'exp', 'nonce'],
      clockTolerance: 60,
      maxTokenAge: '10m',
      // The service's clock, as for every other time check (injectable in tests and faults).
      currentDate: new Date(deps.clock.now()),
    }));
  } catch (e) {
    throw new IdentityProviderError(`ID token does not verify: ${(e as Error).message}`);
  }
  // OIDC Core §3.1.3.7: azp, when present, is us; the nonce is the one we sent.
  if (payload.azp !== undefined && payload.azp !== c.oidcClientId) throw new IdentityProviderError('ID token azp is another client');
  if (payload.nonce !== (await derive(deps, state, 'nonce'))) throw new IdentityProviderError('ID token nonce is not ours');
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255)
    throw new IdentityProviderError('ID token sub unusable');
  return { sub: payload.sub };
}
