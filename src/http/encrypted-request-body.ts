/**
 * `application/jwt` bodies of the OpenID4VCI credential and deferred credential endpoints
 * (OpenID4VCI 1.0 §8.2, §9.1, §10): decrypted while the body is read (after the access token was
 * checked in onRequest, before the handler), so the handler sees the JSON request either way and
 * a bad JWE is refused before anything is consumed. Installed per plugin (Fastify encapsulation):
 * only the routes named take it; any other route of the plugin answers 415.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { openCredentialRequest } from '../issuance/request-encryption/open-credential-request.js';
import type { RequestKeyDeps } from '../issuance/request-encryption/request-encryption-keys.js';

/** Installs the parser; the returned function says whether a request's body came encrypted. */
export function installEncryptedRequestParser(
  app: FastifyInstance,
  deps: RequestKeyDeps,
  routes: readonly string[],
): (request: FastifyRequest) => boolean {
  const encrypted = new WeakSet<FastifyRequest>();
  app.addContentTypeParser('application/jwt', { parseAs: 'string' }, async (request: FastifyRequest, body: string | Buffer) => {
    if (!routes.includes(request.routeOptions.url ?? ''))
      throw new AppError('unsupported_media_type', 'this route does not take application/jwt', { status: 415 });
    const opened = await openCredentialRequest(deps, String(body));
    encrypted.add(request);
    return opened;
  });
  return (request) => encrypted.has(request);
}
