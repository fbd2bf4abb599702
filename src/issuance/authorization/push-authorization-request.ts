/**
 * Pushed Authorization Request (RFC 9126 §2), as a story: read the form (each parameter once) →
 * the wallet's client checks (the attestation/DPoP hook) → response_type `code`, PKCE S256
 * (RFC 7636; `plain` and no PKCE are refused) → a redirect_uri → what is asked for: ONE
 * `openid_credential` authorization_details entry (OpenID4VCI §5.1.1) or ONE credential scope
 * (§5.1.2) → `issuer_state` binds it to a credential offer made for this flow → store it, hand
 * back a one-time request_uri (§2.2).
 */
import { randomBytes } from 'node:crypto';
import { isJsonObject } from '../../formats/jose/types.js';
import { resolveConfiguration, type CredentialConfiguration } from '../build-issuer-metadata.js';
import { findOpenOfferByRefHash } from '../read-credential-offer.js';
import { hashSecret, newSecret } from '../vci-secrets.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import { resolveType } from '../issue-credential.js';
import { isAuthorizationCodeOffer } from './authorization-code-offer.js';
import type { ParClientCheck } from './par-client-check.js';
import { redirectUriFault, sameRedirectUri } from './redirect-uri.js';
import { refuseUnsupportedClientAuth } from '../sender-checks.js';
import {
  authorizationError,
  AUTHORIZATION_PATHS,
  REQUEST_URI_PREFIX,
  REQUEST_URI_TTL_SECONDS,
  readAuthorizationDetails,
  type AuthorizationDeps,
} from './authorization-deps.js';
import { singleParam } from '../form-params.js';
import type { DpopVerifier } from '../dpop/verify-dpop.js';
import { dpopError } from '../dpop/dpop-errors.js';

export interface PushedAuthorizationResponse {
  request_uri: string;
  expires_in: number;
}

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** RFC 6749 §3.1.2 / RFC 8252: the shape redirect-uri.ts describes (an operator's registration widens the schemes). */
function readRedirectUri(raw: string | undefined, registered: readonly string[] | undefined): string {
  if (raw === undefined || raw === '')
    throw authorizationError('invalid_request', 'redirect_uri is required', '돌아올 주소(redirect_uri)가 없습니다.');
  const fault = redirectUriFault(raw, registered?.some((uri) => sameRedirectUri(uri, raw)) ?? false);
  if (fault) throw authorizationError('invalid_request', fault.en, fault.ko);
  return raw;
}

/** RFC 7636 §4.3 / §4.4.1: S256 only; a missing method means `plain`, which is refused. */
function readPkce(form: Record<string, unknown>): string {
  const challenge = singleParam(form, 'code_challenge');
  const method = singleParam(form, 'code_challenge_method');
  if (challenge === undefined || challenge === '')
    throw authorizationError(
      'invalid_request',
      'PKCE is required: send code_challenge with code_challenge_method=S256',
      'PKCE가 필요합니다. 코드 챌린지(code_challenge)를 S256 방식으로 보내십시오.',
    );
  if (method !== 'S256')
    throw authorizationError(
      'invalid_request',
      'code_challenge_method must be S256 (plain is not accepted)',
      '코드 챌린지 방식(code_challenge_method)은 S256이어야 합니다. plain 방식은 받지 않습니다.',
    );
  if (!CODE_CHALLENGE.test(challenge))
    throw authorizationError(
      'invalid_request',
      'code_challenge must be a base64url SHA-256 (43 characters)',
      '코드 챌린지(code_challenge)는 base64url로 인코딩한 SHA-256 값(43자)이어야 합니다.',
    );
  return challenge;
}

interface Asked {
  configuration: CredentialConfiguration;
  authorizationDetails: string | null;
  scope: string | null;
}

/** OpenID4VCI §5.1.1 authorization_details (RFC 9396), or §5.1.2 scope: one credential configuration. */
function readAsked(deps: AuthorizationDeps, form: Record<string, unknown>): Asked {
  const details = readAuthorizationDetails(form);
  const scopeRaw = singleParam(form, 'scope');
  if (details !== undefined) {
    if (details.length !== 1 || !isJsonObject(details[0]))
      throw authorizationError(
        'invalid_authorization_details',
        'authorization_details must hold exactly one object (one credential configuration per request)',
        '인가 상세(authorization_details)에는 객체가 정확히 하나 있어야 합니다. 한 요청에는 증명서 구성 하나만 요청할 수 있습니다.',
      );
    const entry = details[0];
    if (entry.type !== 'openid_credential')
      throw authorizationError(
        'invalid_authorization_details',
        'the only authorization_details type is openid_credential',
        '인가 상세의 유형(type)은 openid_credential이어야 합니다.',
      );
    if (entry.format !== undefined)
      throw authorizationError(
        'invalid_authorization_details',
        'name the credential by credential_configuration_id, not format',
        '증명서는 형식(format)이 아니라 증명서 구성 식별자로 지정하십시오.',
      );
    // RFC 9396 §2.2 locations: when given, it must name this issuer.
    if (entry.locations !== undefined && !(Array.isArray(entry.locations) && entry.locations.includes(deps.config.publicUrl)))
      throw authorizationError(
        'invalid_authorization_details',
        'locations must name this credential issuer',
        '인가 상세의 위치(locations)에 이 발급기관이 있어야 합니다.',
      );
    const configuration = resolveConfiguration(deps.catalog, entry.credential_configuration_id);
    if (!configuration)
      throw authorizationError(
        'invalid_authorization_details',
        'credential_configuration_id names no credential configuration of this issuer',
        '증명서 구성 식별자(credential_configuration_id)에 해당하는 증명서 구성이 이 발급기관에 없습니다.',
      );
    // Both given (RFC 9396 §3.1 lets a request carry both): a scope naming another configuration
    // would ask for two in one request; one naming the same one, or no configuration, is let be.
    if (scopeConfigurations(deps, scopeRaw).some((c) => c.id !== configuration.id))
      throw authorizationError(
        'invalid_scope',
        'scope names another credential configuration than authorization_details (one credential configuration per request)',
        '범위(scope)가 인가 상세(authorization_details)와 다른 증명서 구성을 지정했습니다. 한 요청에는 증명서 구성 하나만 요청할 수 있습니다.',
      );
    const echoed = {
      type: 'openid_credential',
      credential_configuration_id: configuration.id,
      ...(entry.locations !== undefined && { locations: entry.locations }),
    };
    return { configuration, authorizationDetails: JSON.stringify(echoed), scope: null };
  }
  if (scopeRaw === undefined || scopeRaw.trim() === '')
    throw authorizationError(
      'invalid_request',
      'ask for a credential with authorization_details (openid_credential) or scope',
      '받을 증명서를 인가 상세(authorization_details)나 범위(scope)로 지정하십시오.',
    );
  const found = scopeConfigurations(deps, scopeRaw);
  if (found.length !== 1)
    throw authorizationError(
      'invalid_scope',
      'scope must name exactly one credential configuration of this issuer',
      '범위(scope)에는 이 발급기관의 증명서 구성을 정확히 하나 넣어야 합니다.',
    );
  return { configuration: found[0]!, authorizationDetails: null, scope: found[0]!.id };
}

/** §12.2.4: a configuration's `scope` is its id; other scope values are ignored, one credential scope at most. */
const scopeConfigurations = (deps: AuthorizationDeps, scope: string | undefined): CredentialConfiguration[] =>
  (scope ?? '')
    .split(' ')
    .filter((s) => s !== '')
    .map((s) => resolveConfiguration(deps.catalog, s))
    .filter((c): c is CredentialConfiguration => c !== undefined);

/** The issuer client on whose behalf the credential will be issued (CLAIMS_SOURCE_CLIENT: id or name). */
export async function configuredIssuerClient(deps: AuthorizationDeps): Promise<ApiClient | undefined> {
  const wanted = deps.config.authorizationCode.issuerClient;
  const byId = await deps.store.clients.get(wanted);
  const client = byId ?? (await deps.store.clients.activeByName(wanted));
  return client && client.revokedAt === null && client.role === 'issuer' ? client : undefined;
}

/** RFC 7638 SHA-256 thumbprint, base64url: 43 characters. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/**
 * RFC 9449 §10.1: the DPoP key the code is bound to, from the `dpop_jkt` parameter or a DPoP proof
 * on this request (checked as at the token endpoint, `htu` this endpoint); both must then agree.
 */
async function readParDpopKey(
  dpop: DpopVerifier | undefined,
  form: Record<string, unknown>,
  headers: Record<string, string | string[] | undefined>,
  endpoint: string,
): Promise<string | null> {
  const param = singleParam(form, 'dpop_jkt');
  if (param !== undefined && !JKT.test(param))
    throw authorizationError(
      'invalid_request',
      'dpop_jkt must be the base64url SHA-256 JWK thumbprint of a DPoP key',
      'DPoP 키 지문(dpop_jkt)은 DPoP 키의 base64url SHA-256 JWK 지문이어야 합니다.',
    );
  const proof = dpop ? await dpop.verify({ headers, htm: 'POST', htu: endpoint }, 'token') : undefined;
  if (proof && param !== undefined && proof.jkt !== param)
    throw dpopError(
      'invalid_dpop_proof',
      "dpop_jkt is not the thumbprint of the DPoP proof's key",
      'DPoP 키 지문(dpop_jkt)이 DPoP 증명에 쓴 키의 지문과 다릅니다.',
      'token',
    );
  return proof?.jkt ?? param ?? null;
}

export async function pushAuthorizationRequest(
  deps: AuthorizationDeps,
  form: Record<string, unknown>,
  headers: Record<string, string | string[] | undefined>,
  checkClient: ParClientCheck,
  dpop?: DpopVerifier,
): Promise<PushedAuthorizationResponse> {
  // §2.1: request_uri MUST NOT be provided here; request objects (JAR) are not supported.
  if (form.request_uri !== undefined)
    throw authorizationError(
      'invalid_request',
      'request_uri is not allowed in a pushed authorization request',
      '인가 요청 등록(PAR)에는 요청 주소(request_uri)를 넣을 수 없습니다.',
    );
  if (form.request !== undefined)
    throw authorizationError(
      'invalid_request',
      'request objects are not supported; send the parameters as form fields',
      '요청 객체(request)는 지원하지 않습니다. 매개변수를 폼 필드로 보내십시오.',
    );
  const clientId = singleParam(form, 'client_id');
  if (clientId === undefined || clientId === '')
    throw authorizationError('invalid_request', 'client_id is required', '클라이언트 식별자(client_id)가 없습니다.');
  if (clientId.length > 255)
    throw authorizationError(
      'invalid_request',
      'client_id is longer than 255 characters',
      '클라이언트 식별자(client_id)는 255자 이하여야 합니다.',
    );
  const responseType = singleParam(form, 'response_type');
  if (responseType === undefined)
    throw authorizationError('invalid_request', 'response_type is required', '응답 유형(response_type)이 없습니다.');
  if (responseType !== 'code')
    throw authorizationError(
      'unsupported_response_type',
      'response_type must be code',
      '이 발급기관은 응답 유형(response_type)으로 code만 받습니다.',
    );
  const codeChallenge = readPkce(form);
  const redirectUri = readRedirectUri(singleParam(form, 'redirect_uri'), deps.walletClients?.get(clientId));
  const state = singleParam(form, 'state');
  if (state !== undefined && state.length > 512)
    throw authorizationError('invalid_request', 'state is longer than 512 characters', '상태 값(state)은 512자 이하여야 합니다.');
  // RFC 8707: the only resource here is this credential issuer.
  const resource = singleParam(form, 'resource');
  if (resource !== undefined && resource !== deps.config.publicUrl)
    throw authorizationError(
      'invalid_request',
      'resource must be this credential issuer',
      '대상 자원(resource)은 이 발급기관의 식별자여야 합니다.',
    );
  const asked = readAsked(deps, form);

  const endpoint = `${deps.config.publicUrl}${AUTHORIZATION_PATHS.par}`;
  refuseUnsupportedClientAuth(headers, form);
  await checkClient({ clientId, redirectUri, headers, form, configurationId: asked.configuration.id, endpoint });
  const dpopJkt = await readParDpopKey(dpop, form, headers, endpoint);

  // §5.1.3 issuer_state: binds the request to an offer made for this flow; it may be injected, so it must name one.
  const issuerState = singleParam(form, 'issuer_state');
  let offerId: string | null = null;
  let client: ApiClient | undefined;
  if (issuerState !== undefined) {
    const offer = await findOpenOfferByRefHash(deps, hashSecret(issuerState)).catch(() => undefined);
    if (!offer || !isAuthorizationCodeOffer(offer))
      throw authorizationError(
        'invalid_request',
        'issuer_state names no open credential offer of this issuer',
        '발급 상태 값(issuer_state)에 해당하는 유효한 발급 제안이 이 발급기관에 없습니다.',
      );
    if (offer.configuration_id !== asked.configuration.id)
      throw authorizationError(
        'invalid_authorization_details',
        'the credential offer of issuer_state is for another credential configuration',
        '발급 상태 값(issuer_state)의 발급 제안은 다른 증명서 구성에 대한 것입니다.',
      );
    offerId = offer.id;
    client = await deps.store.clients.get(offer.client_id);
  } else {
    client = await configuredIssuerClient(deps);
  }
  if (!client || client.revokedAt !== null || client.role !== 'issuer')
    throw authorizationError(
      'temporarily_unavailable',
      'no issuer client stands behind wallet-initiated issuance (CLAIMS_SOURCE_CLIENT)',
      '지갑에서 시작하는 발급을 맡을 발급기관 클라이언트가 설정되어 있지 않습니다(CLAIMS_SOURCE_CLIENT).',
    );
  try {
    resolveType(deps.catalog, client, asked.configuration.type.id, asked.configuration.format);
  } catch {
    const code = asked.scope === null ? 'invalid_authorization_details' : 'invalid_scope';
    throw authorizationError(
      code,
      'this credential configuration is not issued through the authorization code flow here',
      '이 증명서 구성은 이곳에서 인가 코드 방식으로 발급하지 않습니다.',
    );
  }

  const now = deps.clock.now();
  const secret = newSecret();
  await deps.store.authorizationRequests.insert({
    id: randomBytes(12).toString('hex'),
    request_uri_hash: hashSecret(secret),
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: codeChallenge,
    state: state ?? null,
    configuration_id: asked.configuration.id,
    authorization_details: asked.authorizationDetails,
    scope: asked.scope,
    offer_id: offerId,
    issuer_client_id: client.id,
    idp_state_hash: null,
    code_offer_id: null,
    created_at: now,
    expires_at: now + REQUEST_URI_TTL_SECONDS * 1000,
    started_at: null,
    completed_at: null,
    outcome: null,
    dpop_jkt: dpopJkt,
  });
  return { request_uri: `${REQUEST_URI_PREFIX}${secret}`, expires_in: REQUEST_URI_TTL_SECONDS };
}
