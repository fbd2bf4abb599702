/**
 * The Authorization Code Flow over HTTP (OpenID4VCI §3.4, §5; RFC 9126): the pushed
 * authorization request, the authorization endpoint that sends the citizen to the identity
 * provider, and the provider's redirect back. Registered only when OIDC_ISSUER is set. Routes
 * parse and map; the rules live in src/issuance/authorization/. The token endpoint's
 * `authorization_code` grant is in openid4vci-routes.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { AuthorizationCodeConfig } from '../../config.js';
import {
  AUTHORIZATION_PATHS,
  authorizationError,
  LOGIN_WINDOW_SECONDS,
  type AuthorizationDeps,
} from '../../issuance/authorization/authorization-deps.js';
import { pushAuthorizationRequest } from '../../issuance/authorization/push-authorization-request.js';
import { startAuthorization } from '../../issuance/authorization/start-authorization.js';
import { finishAuthorization } from '../../issuance/authorization/finish-authorization.js';
import { acceptPublicClient, type ParClientCheck } from '../../issuance/authorization/par-client-check.js';
import { isFormRequest } from '../form-body.js';
import { oauthErrorResponses } from '../api-schemas.js';
import type { DpopVerifier } from '../../issuance/dpop/verify-dpop.js';

const LOGIN_COOKIE = 'dproof_login';

/** The login cookie's value from a Cookie header (RFC 6265 §5.4), when there is exactly one. */
function loginCookie(header: string | undefined): string | undefined {
  const values = (header ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c.startsWith(`${LOGIN_COOKIE}=`))
    .map((c) => c.slice(LOGIN_COOKIE.length + 1));
  return values.length === 1 ? values[0] : undefined;
}

/**
 * What the three endpoints read, for the OpenAPI document only: the properties carry no type, so
 * the domain (not a schema error) refuses what is wrong, with the RFC codes.
 */
const described = (fields: Record<string, string>) =>
  ({
    type: 'object',
    additionalProperties: true,
    properties: Object.fromEntries(Object.entries(fields).map(([k, description]) => [k, { description }])),
  }) as const;
const FORM = described({
  client_id: 'the wallet (RFC 6749 §2.2); with a wallet attestation, its sub',
  response_type: 'code',
  redirect_uri: "the wallet's redirect_uri: https, http to a loopback address, or a private-use scheme",
  code_challenge: 'PKCE S256 challenge (RFC 7636), 43 base64url characters',
  code_challenge_method: 'S256 (plain is refused)',
  state: "the wallet's state, returned with the code",
  authorization_details: 'JSON array with one openid_credential entry naming credential_configuration_id (OpenID4VCI §5.1.1)',
  scope: "or a credential configuration's scope (OpenID4VCI §5.1.2)",
  issuer_state: 'from a credential offer with the authorization_code grant',
  resource: 'this credential issuer, if sent (RFC 8707)',
});
const AUTHORIZE_QUERY = described({
  client_id: 'the client_id of the pushed request',
  request_uri: 'the request_uri the PAR endpoint returned (single use, RFC 9126 §4)',
});
const CALLBACK_QUERY = described({
  code: "the identity provider's authorization code",
  state: 'the state this service sent to the identity provider',
  iss: "the identity provider's issuer (RFC 9207)",
  error: 'the identity provider refused or the citizen cancelled',
});

export interface AuthorizationRouteOptions {
  deps: AppDeps;
  /** Wallet attestation at the PAR endpoint (par-client-check.ts); default: public clients. */
  checkParClient?: ParClientCheck;
  /** DPoP proofs at the PAR endpoint (RFC 9449 §10.1); without it only `dpop_jkt` binds the code. */
  dpop?: DpopVerifier;
}

export async function authorizationRoutes(app: FastifyInstance, opts: AuthorizationRouteOptions): Promise<void> {
  const code: AuthorizationCodeConfig | undefined = opts.deps.config.authorizationCode;
  if (!code) return;
  const deps: AuthorizationDeps = { ...opts.deps, config: { ...opts.deps.config, authorizationCode: code } };
  const checkParClient = opts.checkParClient ?? acceptPublicClient;

  // RFC 9126 §2: form-encoded, answered 201 with request_uri and expires_in.
  app.post<{ Body: Record<string, unknown> }>(
    AUTHORIZATION_PATHS.par,
    {
      config: { errorShape: 'oauth', oauthDefaultError: 'invalid_request', anonymousLimit: {} },
      schema: {
        tags: ['openid4vci'],
        summary:
          'Pushed authorization request (RFC 9126): PKCE S256, authorization_details openid_credential or scope, issuer_state. Only when OIDC_ISSUER is set; wallet attestation headers where WALLET_ATTESTATION_REQUIRED asks',
        consumes: ['application/x-www-form-urlencoded'],
        body: FORM,
        response: {
          201: {
            type: 'object',
            required: ['request_uri', 'expires_in'],
            properties: { request_uri: { type: 'string' }, expires_in: { type: 'integer' } },
          },
          ...oauthErrorResponses(400, 401, 413, 415, 429, 503),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      if (!isFormRequest(request.headers['content-type']))
        throw authorizationError(
          'invalid_request',
          'send the pushed authorization request as application/x-www-form-urlencoded',
          '인가 요청 등록(PAR)은 폼 형식(application/x-www-form-urlencoded)으로 보내십시오.',
        );
      const form = (request.body ?? {}) as Record<string, unknown>;
      const response = await pushAuthorizationRequest(deps, form, request.headers, checkParClient, opts.dpop);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(response);
    },
  );

  // RFC 6749 §4.1.1 with RFC 9126 §4: client_id and request_uri only.
  app.get<{ Querystring: Record<string, unknown> }>(
    AUTHORIZATION_PATHS.authorize,
    {
      config: { errorShape: 'oauth', anonymousLimit: {} },
      schema: {
        tags: ['openid4vci'],
        summary: 'Authorization endpoint: takes the request_uri of a pushed request and sends the citizen to the identity provider',
        querystring: AUTHORIZE_QUERY,
        response: { 302: { description: 'to the identity provider', type: 'null' }, ...oauthErrorResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const { url, binding } = await startAuthorization(deps, request.query);
      // Ties the login to this browser: the callback refuses a login finished elsewhere (login CSRF).
      // SameSite=Lax: the identity provider's redirect back is a top-level GET, which carries it.
      const secure = deps.config.publicUrl.startsWith('https:') ? '; Secure' : '';
      reply.header(
        'set-cookie',
        `${LOGIN_COOKIE}=${binding}; Path=${AUTHORIZATION_PATHS.callback}; Max-Age=${LOGIN_WINDOW_SECONDS}; HttpOnly; SameSite=Lax${secure}`,
      );
      reply.header('cache-control', 'no-store');
      return reply.redirect(url, 302);
    },
  );

  // OIDC Core §3.1.2.5: the identity provider's redirect back; the wallet's redirect_uri next.
  app.get<{ Querystring: Record<string, unknown> }>(
    AUTHORIZATION_PATHS.callback,
    {
      config: { errorShape: 'oauth', anonymousLimit: {}, logRoute: true },
      schema: {
        tags: ['openid4vci'],
        summary:
          "Identity provider callback: login checked, claims asked of the claims source, code (or access_denied) to the wallet's redirect_uri",
        querystring: CALLBACK_QUERY,
        response: { 302: { description: "to the wallet's redirect_uri", type: 'null' }, ...oauthErrorResponses(400, 429, 503) },
      },
    },
    async (request, reply) => {
      const to = await finishAuthorization(deps, request.query, loginCookie(request.headers.cookie), request.log);
      reply.header('set-cookie', `${LOGIN_COOKIE}=; Path=${AUTHORIZATION_PATHS.callback}; Max-Age=0; HttpOnly; SameSite=Lax`);
      reply.header('cache-control', 'no-store');
      return reply.redirect(to, 302);
    },
  );
}
