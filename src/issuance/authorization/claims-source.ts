/**
 * The agency's claims source: after the citizen's login, the back office is asked for the claims
 * of one credential for one authenticated subject, and answers or refuses.
 *
 * - Request: `POST CLAIMS_SOURCE_URL`, `content-type: application/dproof-claims-request+jwt`, a JWT
 *   `typ: dproof-claims-request+jwt` signed with this issuer's signing key (its JWKS is
 *   `/.well-known/jwks.json`): `iss` (this issuer), `aud` (CLAIMS_SOURCE_URL), `iat`, `exp`
 *   (+60 s), `jti`, `sub` (the subject at the identity provider), `idp` (OIDC_ISSUER),
 *   `credential_configuration_id`, `credential_type`, and `offer_id` when an offer's
 *   `issuer_state` started the flow.
 * - Response: 200, a JWT `typ: dproof-claims-response+jwt`, HS256 with CLAIMS_SOURCE_SECRET:
 *   `aud` (this issuer), `iat` (at most 2 minutes old), `request_jti` (the request's `jti`),
 *   `sub` and `credential_configuration_id` (the request's), and either `claims` (validated
 *   here against the catalogue's schema of the type) or `error: "access_denied"`. A 403 is a
 *   refusal too. Anything else is a failure of the claims source (temporarily_unavailable).
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { signCompactJws } from '../../formats/jose/sign-compact-jws.js';
import { fetchOperatorEndpoint } from '../../http-client/fetch-operator-endpoint.js';
import { parseOutboundAllowList } from '../../http-client/outbound-allow-list.js';
import { isJsonObject } from '../../formats/jose/types.js';
import type { AuthorizationDeps } from './authorization-deps.js';

export const CLAIMS_REQUEST_TYP = 'dproof-claims-request+jwt';
export const CLAIMS_RESPONSE_TYP = 'dproof-claims-response+jwt';

export class ClaimsSourceError extends Error {}

export type ClaimsAnswer = { granted: true; claims: Record<string, unknown> } | { granted: false };

export interface ClaimsQuestion {
  sub: string;
  configurationId: string;
  typeId: string;
  offerId: string | null;
}

export async function askClaimsSource(deps: AuthorizationDeps, q: ClaimsQuestion): Promise<ClaimsAnswer> {
  const c = deps.config.authorizationCode;
  const iat = Math.floor(deps.clock.now() / 1000);
  const jti = randomBytes(16).toString('base64url');
  const request = await signCompactJws(
    { typ: CLAIMS_REQUEST_TYP },
    {
      iss: deps.config.publicUrl,
      aud: c.claimsSourceUrl,
      iat,
      exp: iat + 60,
      jti,
      sub: q.sub,
      idp: c.oidcIssuer,
      credential_configuration_id: q.configurationId,
      credential_type: q.typeId,
      ...(q.offerId !== null && { offer_id: q.offerId }),
    },
    deps.keys.signer(deps.config.keyAlg),
  );
  const res = await fetchOperatorEndpoint(c.claimsSourceUrl, {
    method: 'POST',
    accept: `application/${CLAIMS_RESPONSE_TYP}`,
    headers: { 'content-type': `application/${CLAIMS_REQUEST_TYP}` },
    body: request,
    maxBytes: 512 * 1024,
    timeoutMs: 10_000,
    allow: parseOutboundAllowList(c.allowHosts),
    production: deps.config.nodeEnv === 'production',
  }).catch((e: Error) => {
    throw new ClaimsSourceError(`claims source unreachable: ${e.message}`);
  });
  if (res.status === 403) return { granted: false };
  if (res.status !== 200) throw new ClaimsSourceError(`claims source answered ${res.status}`);
  let payload;
  try {
    ({ payload } = await jwtVerify(res.text.trim(), new TextEncoder().encode(c.claimsSourceSecret), {
      typ: CLAIMS_RESPONSE_TYP,
      algorithms: ['HS256'],
      audience: deps.config.publicUrl,
      maxTokenAge: '2m',
      clockTolerance: 60,
      currentDate: new Date(deps.clock.now()),
    }));
  } catch (e) {
    throw new ClaimsSourceError(`claims source answer does not verify: ${(e as Error).message}`);
  }
  if (payload.request_jti !== jti || payload.sub !== q.sub || payload.credential_configuration_id !== q.configurationId)
    throw new ClaimsSourceError('claims source answer is for another request');
  if (payload.error === 'access_denied') return { granted: false };
  if (!isJsonObject(payload.claims)) throw new ClaimsSourceError('claims source answer carries neither claims nor error');
  return { granted: true, claims: payload.claims };
}
