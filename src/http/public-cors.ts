/**
 * CORS for the public documents (Fetch §3.2): the status lists (Token Status List §8.1 SHOULD), the
 * issuer's keys and metadata, the catalogue and type metadata, the verifier's DID document. A browser-based wallet or relying
 * party on another origin must read them all to check a credential (a status list's signature
 * needs the JWKS). They are the same for everyone and need no credentials, so any origin may read
 * them (`*`, never with cookies). Endpoints that act on a token or a code do not take part.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An onRequest hook: set before anything can refuse, so a refusal (404, 406, 429) is readable too. */
export const publicCors = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
  reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'ETag, Retry-After');
};

/**
 * The preflight (Fetch §4.8) of a browser that sends a header that is not CORS-safelisted itself
 * (If-None-Match on a revalidation it makes by hand): `OPTIONS` on `path` answers 204.
 */
export function publicCorsPreflight(app: FastifyInstance, path: string): void {
  app.options(path, { schema: { hide: true }, onRequest: publicCors }, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, HEAD')
      .header('access-control-allow-headers', 'Accept, If-None-Match')
      .header('access-control-max-age', '86400')
      .send(),
  );
}
