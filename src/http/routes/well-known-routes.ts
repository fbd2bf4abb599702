import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { publicCors, publicCorsPreflight } from '../public-cors.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export async function wellKnownRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Public keys and metadata: any origin may read them (public-cors.ts).
  app.addHook('onRequest', publicCors);
  publicCorsPreflight(app, JWKS_PATH);
  publicCorsPreflight(app, '/.well-known/jwt-vc-issuer');

  // RFC 7517 JWK Set: every active and retiring key, so credentials signed before a rotation verify.
  app.get(
    JWKS_PATH,
    {
      schema: { tags: ['issuer metadata'], summary: 'Public signing keys (active and retiring)', response: { 200: { $ref: 'Jwks#' } } },
    },
    async (_request, reply) => {
      // JWKS_MAX_AGE: the key ring's handover after a rotation outlasts this (see handoverWindowMs).
      reply.header('cache-control', `public, max-age=${deps.config.jwksMaxAgeS}`);
      return deps.keys.jwks();
    },
  );

  // SD-JWT VC §5 (JWT VC Issuer Metadata): the issuer identifier and where its keys are.
  app.get(
    '/.well-known/jwt-vc-issuer',
    {
      schema: {
        tags: ['issuer metadata'],
        summary: 'SD-JWT VC issuer metadata',
        response: {
          200: {
            type: 'object',
            required: ['issuer', 'jwks_uri'],
            properties: { issuer: { type: 'string' }, jwks_uri: { type: 'string' } },
          },
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return { issuer: deps.config.publicUrl, jwks_uri: `${deps.config.publicUrl}${JWKS_PATH}` };
    },
  );
}
