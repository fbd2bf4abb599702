import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { ClientRole } from '../store/schema.js';
import { authenticateClient, requireRole } from '../clients/authenticate-client.js';

declare module 'fastify' {
  interface FastifyRequest {
    client: ApiClient | null;
  }
  interface FastifyContextConfig {
    /** `oauth`: errors as `{ error, error_description }` (OpenID4VCI / OpenID4VP endpoints). */
    errorShape?: 'oauth';
    /** OAuth code for 400s that are not already one of the endpoint's codes (schema, JSON, media type failures). */
    oauthDefaultError?: 'invalid_request' | 'invalid_credential_request' | 'invalid_notification_request';
    /** A Bearer-protected endpoint: authorization failures carry `WWW-Authenticate` (RFC 6750 §3). */
    bearerChallenge?: boolean;
  }
}

/**
 * Route options for an endpoint that needs an API client of one of `roles`: authentication
 * first (onRequest), then the per-client rate limit (preParsing, registered in app.ts, keyed by client id).
 */
export function authenticated<S extends Record<string, unknown>>(store: Store, roles: readonly ClientRole[], schema: S) {
  const check: onRequestHookHandler = async (request: FastifyRequest) => {
    const client = await authenticateClient(store, request.headers.authorization);
    requireRole(client, roles);
    request.client = client;
  };
  return {
    // Authenticate before the body is read: an unknown caller costs no parsing.
    onRequest: [check],
    config: { rateLimit: {} },
    schema: { ...schema, security: [{ apiKey: [] }] },
  };
}

/** The authenticated client of a request that passed `authenticated()`. */
export function clientOf(request: FastifyRequest): ApiClient {
  if (!request.client) throw new Error('route is missing authenticated()');
  return request.client;
}
