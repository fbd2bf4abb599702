/**
 * Deferred issuance (OpenID4VCI §9) and notifications (§11) over HTTP: the wallet-facing deferred
 * credential and notification endpoints (OAuth error shape, the access token as Bearer, or as
 * DPoP with a proof when it is DPoP-bound, RFC 9449 §7), and the
 * back-office API where the issuing agency completes or refuses a deferred issuance. Routes only
 * parse and map; the rules live in src/issuance/deferred/ and src/issuance/notifications/.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses, oauthErrorResponses } from '../api-schemas.js';
import { VCI_PATHS } from '../../issuance/build-issuer-metadata.js';
import { credentialError } from '../../issuance/vci-errors.js';
import { hashSecret } from '../../issuance/vci-secrets.js';
import type { DpopVerifier } from '../../issuance/dpop/verify-dpop.js';
import { checkCredentialSender } from '../../issuance/sender-checks.js';
import { accessTokenOf } from '../access-token-of.js';
import { collectDeferred } from '../../issuance/deferred/collect-deferred.js';
import { completeDeferred, listDeferred, refuseDeferred } from '../../issuance/deferred/decide-deferred.js';
import { recordNotification } from '../../issuance/notifications/record-notification.js';
import { encryptCredentialResponse, readResponseEncryption } from '../../issuance/response-encryption/credential-response-encryption.js';
import { checkPlainRequest } from '../../issuance/request-encryption/open-credential-request.js';
import { installEncryptedRequestParser } from '../encrypted-request-body.js';
import { isJsonRequest } from '../json-body.js';

/** §9.1 / §11.1: the request is application/json. */
function requireJson(request: FastifyRequest, code: 'invalid_credential_request' | 'invalid_notification_request'): void {
  if (!isJsonRequest(request.headers['content-type']))
    throw credentialError(code, 'send the request as application/json', '요청 본문은 JSON(application/json)으로 보내십시오.');
}

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{24}$' } } } as const;

export async function deferredRoutes(app: FastifyInstance, deps: AppDeps & { dpop: DpopVerifier }): Promise<void> {
  const { dpop } = deps;
  const wasEncrypted = installEncryptedRequestParser(app, { ...deps, log: app.log }, [VCI_PATHS.deferredCredential]);
  const tokenChecked = new WeakMap<FastifyRequest, { token: string; dpop: boolean }>();
  // The header (and a DPoP proof) is checked before the body is read, as at the credential endpoint:
  // a DPoP-bound token only with the DPoP scheme and a proof by its key for this endpoint (`htu`,
  // `ath`, server nonce, fresh `jti`); a Bearer token only as Bearer. An unknown token is the
  // domain's invalid_token.
  const readAccessToken =
    (path: string) =>
    async (request: FastifyRequest): Promise<void> => {
      const { scheme, token } = accessTokenOf(request);
      const binding = await deps.store.vciIssuance.tokenBinding(hashSecret(token));
      if (binding) await checkCredentialSender(deps, dpop, request.headers, { scheme, token, dpopJkt: binding.dpopJkt }, path);
      tokenChecked.set(request, { token, dpop: binding?.dpopJkt != null });
    };
  const tokenOf = (request: FastifyRequest): { token: string; dpop: boolean } => {
    const t = tokenChecked.get(request);
    if (t === undefined) throw new Error('route ran without its onRequest check');
    return t;
  };
  // RFC 9449 §9: the nonce for the wallet's next proof at this resource.
  const nonceFor = async (reply: FastifyReply, checked: { dpop: boolean }) => {
    if (checked.dpop) reply.header('dpop-nonce', await dpop.nonces.current());
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
      onRequest: [readAccessToken(VCI_PATHS.deferredCredential)],
      schema: {
        tags: ['openid4vci'],
        summary:
          'Deferred credential endpoint: 202 while the agency decides, then the credentials (OpenID4VCI §9); the request as JSON or as a JWE (application/jwt, §10)',
        consumes: ['application/json', 'application/jwt'],
        body: { type: 'object', additionalProperties: true, properties: { transaction_id: { type: 'string' } } },
        response: {
          200: { $ref: 'CredentialResponse#' },
          202: { $ref: 'DeferredCredentialResponse#' },
          ...oauthErrorResponses(400, 401, 413, 415, 429, 503),
        },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      // §9.1: JSON, or a JWE the application/jwt parser opened; only an encrypted request may ask for an encrypted response.
      if (!wasEncrypted(request)) {
        requireJson(request, 'invalid_credential_request');
        checkPlainRequest(deps.config, request.body);
      }
      const checked = tokenOf(request);
      // §9.1: the response is encrypted to the key of this request, not the one of the credential request.
      const encryption = readResponseEncryption(request.body);
      // The next DPoP nonce before the transaction is collected: minting one may write to the
      // store, and a fault then must not cost the wallet a collected credential.
      await nonceFor(reply, checked);
      const response = await collectDeferred(deps, checked.token, request.body);
      reply.header('cache-control', 'no-store');
      if ('transaction_id' in response) reply.code(202);
      if (encryption) return reply.type('application/jwt').send(await encryptCredentialResponse(response, encryption));
      return reply.send(response);
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
      onRequest: [readAccessToken(VCI_PATHS.notification)],
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
        response: { 204: { type: 'null', description: 'recorded' }, ...oauthErrorResponses(400, 401, 413, 415, 429, 503) },
      },
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      requireJson(request, 'invalid_notification_request');
      const checked = tokenOf(request);
      await nonceFor(reply, checked);
      await recordNotification(deps, checked.token, request.body);
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
