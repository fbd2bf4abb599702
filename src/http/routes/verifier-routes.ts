import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses, oauthErrorResponses } from '../api-schemas.js';
import { badRequest } from '../../errors.js';
import { verificationContextOf } from '../../verification/create-verification-context.js';
import type { PresentationDeps } from '../../presentation/presentation-deps.js';
import { createVerifierRequest } from '../../presentation/create-verifier-request.js';
import { readVerifierRequest } from '../../presentation/read-verifier-request.js';
import { receiveDirectPost } from '../../presentation/receive-direct-post.js';
import { issueHolderResult } from '../../presentation/holder-result.js';
import { renderRequestQr } from '../../presentation/render-request-qr.js';
import { REQUEST_OBJECT_MEDIA_TYPE, signRequestObject } from '../../presentation/sign-request-object.js';
import { verifyCounterPresentation } from '../../presentation/verify-counter-presentation.js';
import { issueCounterNonce } from '../../presentation/issue-counter-nonce.js';
import {
  didDocument,
  didDocumentRoute,
  responseUri,
  verifierClientId,
  verifierDid,
  VP_FORMATS_SUPPORTED,
} from '../../presentation/verifier-identity.js';
import type { ApiBody } from '../api-body-types.js';
import { requestUriPostRoute } from './request-uri-post-route.js';
import { receiveDcApiResponse } from '../../presentation/dc-api/receive-dc-api-response.js';
import { isFormRequest } from '../form-body.js';
import { publicCors, publicCorsPreflight } from '../public-cors.js';

const REQUEST_ID = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

/** Verifier API (verifier clients), the OpenID4VP endpoints wallets call, and our did:web document. */
export async function verifierRoutes(app: FastifyInstance, runtime: AppDeps): Promise<void> {
  const deps: PresentationDeps = { ...runtime, verification: verificationContextOf(runtime), log: app.log };
  const errors = problemResponses(400, 401, 403, 404, 429, 503);

  app.post<{ Body: ApiBody<'VerifierRequestCreate'> }>(
    '/v1/verifier/requests',
    authenticated(deps.store, ['verifier'], {
      tags: ['verification'],
      summary: 'Ask a wallet for claims (OpenID4VP 1.0, DCQL): returns the openid4vp:// link and its QR codes',
      body: { $ref: 'VerifierRequestCreate#' },
      response: { 201: { $ref: 'VerifierRequestCreated#' }, ...errors },
    }),
    async (request, reply) => {
      const created = await createVerifierRequest(deps, clientOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(created);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { response_code?: string } }>(
    '/v1/verifier/requests/:id',
    authenticated(deps.store, ['verifier'], {
      tags: ['verification'],
      summary:
        'Status and result of a request (only for the verifier that made it; claim values are returned once; a same-device request once answered: only with its response_code)',
      params: REQUEST_ID,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          response_code: {
            type: 'string',
            maxLength: 64,
            description: 'Same-device requests (made with redirect_uri): the response_code the wallet brought back to your page',
          },
        },
      },
      response: { 200: { $ref: 'VerifierRequest#' }, ...errors },
    }),
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return readVerifierRequest(deps, clientOf(request), request.params.id, request.query.response_code);
    },
  );

  // OpenID4VP 1.0 Appendix A: the page hands back what navigator.credentials.get returned.
  app.post<{ Params: { id: string }; Body: { data: Record<string, unknown> } }>(
    '/v1/verifier/requests/:id/dc-api-response',
    {
      ...authenticated(deps.store, ['verifier'], {
        tags: ['verification'],
        summary: "The wallet's answer through the Digital Credentials API (dc_api, dc_api.jwt), verified with aud origin:<origin>",
        params: REQUEST_ID,
        body: { $ref: 'DcApiResponse#' },
        response: { 200: { $ref: 'DirectPostAnswer#' }, ...errors, ...problemResponses(413) },
      }),
      bodyLimit: Math.min(runtime.config.bodyLimit, 384 * 1024),
    },
    async (request, reply) => {
      const { status } = await receiveDcApiResponse(deps, clientOf(request), request.params.id, request.body.data);
      return reply.header('cache-control', 'no-store').send({ status });
    },
  );

  app.post(
    '/v1/verifier/counter-nonces',
    authenticated(deps.store, ['verifier'], {
      tags: ['verification'],
      summary: "A single-use nonce for this verifier client's counter, with the KB-JWT aud and the challenge link a wallet scans",
      response: { 201: { $ref: 'CounterNonce#' }, ...errors },
    }),
    async (request, reply) => {
      const issued = await issueCounterNonce(deps, clientOf(request));
      return reply.code(201).header('cache-control', 'no-store').send(issued);
    },
  );

  app.post<{ Body: ApiBody<'CounterVerify'> }>(
    '/v1/verifier/verify',
    {
      ...authenticated(deps.store, ['verifier'], {
        tags: ['verification'],
        summary: 'Verify a presentation scanned from a holder QR at a counter, in one round trip',
        body: { $ref: 'CounterVerify#' },
        response: { 200: { $ref: 'VerificationResult#' }, ...errors, ...problemResponses(413) },
      }),
      // API-key callers only (checked before the body is read); the schema bounds the presentation.
      bodyLimit: runtime.config.bodyLimit,
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return verifyCounterPresentation(deps, clientOf(request), request.body);
    },
  );

  app.get(
    '/v1/verifier/identifier',
    {
      schema: {
        tags: ['verification'],
        summary: 'The OpenID4VP client identifier of this verifier (KB-JWT aud of OpenID4VP presentations)',
        response: { 200: { $ref: 'VerifierIdentifier#' } },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return {
        client_id: verifierClientId(deps.config.publicUrl),
        did: verifierDid(deps.config.publicUrl),
        response_uri: responseUri(deps.config.publicUrl),
        kb_jwt_max_age_seconds: deps.config.kbJwtMaxAgeSeconds,
        vp_formats_supported: VP_FORMATS_SUPPORTED,
      };
    },
  );

  // did:web resolution of our client identifier (did:web method §3.2: /.well-known/did.json, or
  // <path>/did.json when PUBLIC_URL has a path). A public document like the JWKS it mirrors: a
  // browser wallet on another origin reads it to check our request objects' signatures (CORS).
  app.get(
    didDocumentRoute(deps.config.publicUrl),
    {
      onRequest: publicCors,
      schema: {
        tags: ['verification'],
        summary: 'DID document of the verifier identifier (did:web)',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (_request, reply) => {
      // It lists the same keys as the JWKS, so it is cached for as long (JWKS_MAX_AGE).
      reply.header('cache-control', `public, max-age=${deps.config.jwksMaxAgeS}`);
      return didDocument(deps.config.publicUrl, deps.keys.publishedKeys());
    },
  );

  publicCorsPreflight(app, didDocumentRoute(deps.config.publicUrl));

  // RFC 9101 §5.2 / OpenID4VP §5.10.1: the request object by reference.
  app.get<{ Params: { id: string } }>(
    '/openid4vp/requests/:id',
    {
      config: { errorShape: 'oauth', anonymousLimit: { reference: 'request' } },
      schema: {
        tags: ['openid4vp'],
        summary: 'Signed request object (typ oauth-authz-req+jwt) a wallet fetches from request_uri',
        params: REQUEST_ID,
        response: { 200: { type: 'string', description: 'compact JWS' }, ...oauthErrorResponses(400, 404, 429) },
      },
    },
    async (request, reply) => {
      const jwt = await signRequestObject(deps, request.params.id);
      return reply.header('cache-control', 'no-store').type(REQUEST_OBJECT_MEDIA_TYPE).send(jwt);
    },
  );

  requestUriPostRoute(app, deps, oauthErrorResponses(400, 404, 413, 415, 429));

  // The request link as a QR image (the same shape as an offer's qr_svg / qr_png).
  for (const kind of ['svg', 'png'] as const) {
    app.get<{ Params: { id: string } }>(
      `/openid4vp/requests/:id/qr.${kind}`,
      {
        config: { errorShape: 'oauth', anonymousLimit: { reference: 'request' } },
        schema: {
          tags: ['openid4vp'],
          summary: `The Authorization Request link of a pending request as a ${kind.toUpperCase()} QR code`,
          params: REQUEST_ID,
          response: {
            200: { type: 'string', description: kind === 'svg' ? 'image/svg+xml' : 'image/png' },
            ...oauthErrorResponses(400, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const image = await renderRequestQr(deps, request.params.id, kind);
        return reply
          .header('cache-control', 'no-store')
          .type(kind === 'svg' ? 'image/svg+xml' : 'image/png')
          .send(image);
      },
    );
  }

  // OpenID4VP §8.2: the Response URI of response_mode direct_post.
  app.post<{ Body: Record<string, unknown> }>(
    '/openid4vp/response',
    {
      config: { errorShape: 'oauth', anonymousLimit: { reference: 'state' } },
      // vp_token (up to 256 kB by the schema, several credentials with portraits) and its form
      // encoding (base64url needs none; JSON punctuation triples): 384 kB, within BODY_LIMIT.
      bodyLimit: Math.min(runtime.config.bodyLimit, 384 * 1024),
      schema: {
        tags: ['openid4vp'],
        summary:
          'Response URI (direct_post, direct_post.jwt): the wallet posts vp_token and state, or one encrypted response, form-encoded',
        consumes: ['application/x-www-form-urlencoded'],
        body: { $ref: 'DirectPost#' },
        response: { 200: { $ref: 'DirectPostAnswer#' }, ...oauthErrorResponses(400, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      // §8.2: "application/x-www-form-urlencoded"; a JSON body is not a direct_post.
      if (!isFormRequest(request.headers['content-type']))
        throw badRequest('invalid_request', 'direct_post bodies are application/x-www-form-urlencoded');
      const { status, state } = await receiveDirectPost(deps, request.body ?? {});
      // §8.2: 200 with a JSON object once processed; `status` is an extension the wallet may show,
      // `redirect_uri` leads the holder to the verdict and its reason (holder-result.ts).
      const redirectUri = await issueHolderResult(deps, state);
      return reply.header('cache-control', 'no-store').send({ status, ...(redirectUri ? { redirect_uri: redirectUri } : {}) });
    },
  );
}
