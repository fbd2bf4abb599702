import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses } from '../api-schemas.js';
import { CLIENT_ROLES, viewClient } from '../../clients/manage-clients.js';

/**
 * `GET /v1/me`: the API client a key belongs to (its name, role and types, never the key). The
 * pages ask this at sign-in, so a verifier key typed into the console (or an issuer key into the
 * verifier page) is turned away at once, and no page probes a route its role may not call.
 */
export async function meRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/v1/me',
    authenticated(deps.store, CLIENT_ROLES, {
      tags: ['clients'],
      summary: 'The API client of the key in Authorization',
      response: { 200: { $ref: 'Client#' }, ...problemResponses(401, 429) },
    }),
    async (request) => viewClient(clientOf(request)),
  );
}
