import type { FastifyInstance } from 'fastify';
import { badRequest } from '../../errors.js';
import type { PresentationDeps } from '../../presentation/presentation-deps.js';
import { readRequestUriPost } from '../../presentation/read-request-uri-post.js';
import { REQUEST_OBJECT_MEDIA_TYPE, signRequestObject } from '../../presentation/sign-request-object.js';
import { isFormRequest } from '../form-body.js';

const REQUEST_ID = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

/** OpenID4VP 1.0 §5.10 (request_uri_method=post): the wallet posts its metadata and wallet_nonce to request_uri. */
export function requestUriPostRoute(app: FastifyInstance, deps: PresentationDeps, errors: Record<number, unknown>): void {
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/openid4vp/requests/:id',
    {
      config: { errorShape: 'oauth', anonymousLimit: { reference: 'request' } },
      // wallet_metadata is at most 8 kB by the schema; form encoding at most triples it.
      bodyLimit: 32 * 1024,
      schema: {
        tags: ['openid4vp'],
        summary: 'Signed request object for request_uri_method=post: the wallet posts wallet_metadata and wallet_nonce, form-encoded',
        consumes: ['application/x-www-form-urlencoded'],
        params: REQUEST_ID,
        body: { $ref: 'RequestUriPost#' },
        response: { 200: { type: 'string', description: 'compact JWS carrying wallet_nonce' }, ...errors },
      },
    },
    async (request, reply) => {
      // §5.10.1: "application/x-www-form-urlencoded".
      if (!isFormRequest(request.headers['content-type']))
        throw badRequest('invalid_request', 'the request_uri POST body is application/x-www-form-urlencoded');
      const jwt = await signRequestObject(deps, request.params.id, readRequestUriPost(request.body ?? {}));
      return reply.header('cache-control', 'no-store').type(REQUEST_OBJECT_MEDIA_TYPE).send(jwt);
    },
  );
}
