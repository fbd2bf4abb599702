/**
 * Deferred issuance (OpenID4VCI §9) and notifications (§11) over HTTP: the wallet-facing deferred
 * credential and notification endpoints (OAuth error shape, Bearer access token), and the
 * back-office API where the issuing agency completes or refuses a deferred issuance. Routes only
 * parse and map; the rules live in src/issuance/deferred/ and src/issuance/notifications/.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses } from '../api-schemas.js';
import { VCI_PATHS } from '../../issuance/build-issuer-metadata.js';
import { bearerError, credentialError } from '../../issuance/vci-errors.js';
import { collectDeferred } from '../../issuance/deferred/collect-deferred.js';
import { completeDeferred, listDeferred, refuseDeferred } from '../../issuance/deferred/decide-deferred.js';
import { recordNotification } from '../../issuance/notifications/record-notification.js';

const oauthErrors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'OAuthError#', description: 'OAuth error' }]));

/** RFC 6750 §2.1 (header only; §2.3 / RFC 9700 §2.4.2: never in the URL). */
function bearerOf(request: FastifyRequest): string {
  if (request.url.includes('?') && new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1)).has('access_token'))
    throw bearerError('invalid_request', 'send the access token in the Authorization header, never in the URL');
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header === '') throw bearerError('invalid_token', 'send the access token as Authorization: Bearer');
  const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!m?.[1]) throw bearerError('invalid_request', 'the Authorization header is not a Bearer token');
  return m[1];
}

/** §9.1 / §11.1: the request is application/json. */
function requireJson(request: FastifyRequest, code: 'invalid_credential_request' | 'invalid_notification_request'): void {
  if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? ''))
    throw credentialError(code, 'send the request as application/json');
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{24}$' } } } as const;

export async function deferredRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const tokenChecked = new WeakMap<FastifyRequest, string>();
  // The header is checked before the body is read (as at the credential endpoint).
  const readBearer = async (request: FastifyRequest): Promise<void> => {
    tokenChecked.set(request, bearerOf(request));
  };
  const tokenOf = (request: FastifyRequest): string => {
    const t = tokenChecked.get(request);
    if (t === undefined) throw new Error('route ran without its onRequest check');
    return t;
  };

  // §9: deferred credential endpoint.
  app.post<{ Body: unknown }>(
    VCI_PATHS.deferredCredential,
    {
      config: {
        errorShape: 'oauth',
        oauthDefaultError: 'invalid_credential_request',
        bearerChallenge: true,
        anonymousLimit: { reference: 'access_token' },
      },
      onRequest: [readBearer],
      schema: {
        tags: ['openid4vci'],
        summary: 'Deferred credential endpoint: 202 while the agency decides, then the credentials (OpenID4VCI §9)',
        body: { type: 'object', additionalProperties: true, properties: { transaction_id: { type: 'string' } } },
        response: {
          200: { $ref: 'CredentialResponse#' },
          202: { $ref: 'DeferredCredentialResponse#' },
          ...oauthErrors(400, 401, 413, 415, 429, 503),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      requireJson(request, 'invalid_credential_request');
      const response = await collectDeferred(deps, tokenOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return 'transaction_id' in response ? reply.code(202).send(response) : response;
    },
  );

  // §11: notification endpoint.
  app.post<{ Body: unknown }>(
    VCI_PATHS.notification,
    {
      config: {
        errorShape: 'oauth',
        oauthDefaultError: 'invalid_notification_request',
        bearerChallenge: true,
        anonymousLimit: { reference: 'access_token' },
      },
      onRequest: [readBearer],
      schema: {
        tags: ['openid4vci'],
        summary: 'Notification endpoint: credential_accepted, credential_failure or credential_deleted (OpenID4VCI §11)',
        body: {
          type: 'object',
          additionalProperties: true,
          properties: {
            notification_id: { type: 'string' },
            event: { type: 'string', enum: ['credential_accepted', 'credential_failure', 'credential_deleted'] },
            event_description: { type: 'string' },
          },
        },
        response: { 204: { type: 'null', description: 'recorded' }, ...oauthErrors(400, 401, 413, 415, 429, 503) },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      requireJson(request, 'invalid_notification_request');
      await recordNotification(deps, tokenOf(request), request.body);
      return reply.code(204).header('cache-control', 'no-store').send();
    },
  );

  // Back office: the agency's deferred issuances.
  app.get<{ Querystring: { limit?: number } }>(
    '/v1/deferred',
    authenticated(deps.store, ['issuer'], {
      tags: ['openid4vci'],
      summary: "This issuer client's deferred issuances, newest first",
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: { $ref: 'DeferredIssuance#' } } } },
        ...problemResponses(400, 401, 403, 429, 503),
      },
    }),
    async (request) => ({ items: await listDeferred(deps, clientOf(request), request.query.limit ?? 50) }),
  );

  app.post<{ Params: { id: string }; Body: { claims?: unknown } | undefined }>(
    '/v1/deferred/:id/complete',
    {
      ...authenticated(deps.store, ['issuer'], {
        tags: ['openid4vci'],
        summary: 'Complete a deferred issuance; the wallet receives the credentials at its next poll (claims: replace the offered claims)',
        params: ID_PARAMS,
        body: { $ref: 'DeferredComplete#' },
        response: { 200: { $ref: 'DeferredIssuance#' }, ...problemResponses(400, 401, 403, 404, 409, 413, 429, 503) },
      }),
      bodyLimit: deps.config.bodyLimit,
    },
    async (request) => completeDeferred(deps, clientOf(request), request.params.id, request.body?.claims),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/deferred/:id/refuse',
    authenticated(deps.store, ['issuer'], {
      tags: ['openid4vci'],
      summary: 'Refuse a deferred issuance; the wallet gets credential_request_denied (OpenID4VCI §9.3)',
      params: ID_PARAMS,
      response: { 200: { $ref: 'DeferredIssuance#' }, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
    }),
    async (request) => refuseDeferred(deps, clientOf(request), request.params.id),
  );
}
