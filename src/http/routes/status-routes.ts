import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import type { AppDeps } from '../../app.js';
import { STATUS_LIST_CWT_MEDIA_TYPE } from '../../formats/status-list/status-list-cwt.js';
import { STATUS_LIST_JWT_MEDIA_TYPE } from '../../formats/status-list/status-list-token.js';
import { problemResponses } from '../api-schemas.js';
import { acceptsGzip, noneMatches } from '../prepared-json.js';
import { appError, badRequest, notFound } from '../../errors.js';
import { STATUS_LIST_PATH } from '../../status/status-list-uri.js';

const LIST_ID = /^[0-9a-f]{16}$/;

/**
 * The media types a relying party may ask for (§8.1), in our order of preference for `*\/*` or
 * no Accept at all. `application/jwt` (RFC 7519 §10.3.1) and `application/cwt` (RFC 8392 §9.1)
 * name the same tokens generically; a relying party that asks for them gets the token it names.
 */
const OFFERED = [STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_CWT_MEDIA_TYPE, 'application/jwt', 'application/cwt'];

/** The form asked for, or undefined when Accept names neither (RFC 9110 §12.5.1: 406). */
function chosenForm(accept: string | undefined): 'jwt' | 'cwt' | undefined {
  if (accept === undefined || accept.trim() === '') return 'jwt';
  const type = new Negotiator({ headers: { accept } }).mediaType(OFFERED);
  if (type === undefined) return undefined;
  return type === STATUS_LIST_CWT_MEDIA_TYPE || type === 'application/cwt' ? 'cwt' : 'jwt';
}

/** §8.4: `time` is a Unix timestamp (seconds); a list of them or anything else is refused. */
function requestedTime(query: unknown): number | undefined {
  const time = (query as Record<string, unknown> | undefined)?.['time'];
  if (time === undefined) return undefined;
  if (typeof time !== 'string' || !/^[0-9]{1,12}$/.test(time)) {
    throw badRequest('status_list_time_invalid', 'time must be one Unix timestamp in seconds, for example time=1767225600');
  }
  return Number(time);
}

/**
 * Token Status List §8.1: the endpoint SHOULD support CORS so browser-based relying parties can
 * fetch it. The list is public (no cookies, no credentials), so any origin may read it, and its
 * entity tag for conditional requests. Set before anything can refuse, so refusals are readable too.
 */
const cors = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
  reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'ETag');
};

export async function statusRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Token Status List §8: the status list token as JWT (§5.1) or CWT (§5.2), by content
  // negotiation, cacheable for its ttl, gzipped where the client takes it (JWT form, §8.2).
  app.get<{ Params: { id: string } }>(
    `${STATUS_LIST_PATH}:id`,
    {
      onRequest: cors,
      // A flood ceiling per address: an unknown list id costs a store read.
      config: { anonymousLimit: {} },
      schema: {
        tags: ['status'],
        summary: 'Signed Token Status List (statuslist+jwt, or statuslist+cwt by Accept)',
        description:
          'Token Status List §8: `Accept: application/statuslist+jwt` (the default) or `application/statuslist+cwt`; ' +
          'anything else 406. `?time=<unix seconds>` (§8.4) answers the current token when that time lies between its ' +
          '`iat` and now, else 404: earlier lists are not kept.',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: {
          200: { type: 'string', description: 'compact JWS (typ statuslist+jwt), or a tagged COSE_Sign1 CWT' },
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      if (!LIST_ID.test(request.params.id)) throw notFound('status_list_not_found', `no status list ${request.params.id}`);
      const time = requestedTime(request.query);
      const form = chosenForm(request.headers.accept);
      reply.header('vary', 'accept, accept-encoding');
      if (form === undefined) {
        throw appError(406, 'status_list_not_acceptable', `ask for ${STATUS_LIST_JWT_MEDIA_TYPE} or ${STATUS_LIST_CWT_MEDIA_TYPE}`);
      }
      const published = await deps.statusPublisher.get(request.params.id);
      // §8.4: only the current token is kept. It tells the status at any time from its `iat` to
      // now (a change since would have re-signed it), so such a time gets it; the client checks
      // that the time lies within its iat and exp. An earlier or a future time: 404, as §8.4 says.
      if (time !== undefined && (time < published.iat || time > Math.floor(deps.clock.now() / 1000))) {
        throw notFound('status_list_time_unavailable', 'this status list is kept only as it is now, not as it was at that time');
      }
      reply.header('cache-control', `public, max-age=${published.ttl}`);
      if (form === 'cwt') {
        const cwt = await published.cwt();
        reply.header('etag', cwt.etag);
        if (noneMatches(request.headers['if-none-match'], cwt.etag)) return reply.code(304).send();
        return reply.type(STATUS_LIST_CWT_MEDIA_TYPE).send(Buffer.from(cwt.body));
      }
      const gzip = acceptsGzip(request.headers['accept-encoding']) ? published.gzip() : null;
      const etag = gzip ? gzip.etag : published.etag;
      reply.header('etag', etag);
      // RFC 9110 §13.1.2: weak comparison, `*`, and a comma-separated list.
      if (noneMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      if (gzip) return reply.type(STATUS_LIST_JWT_MEDIA_TYPE).header('content-encoding', 'gzip').send(gzip.body);
      return reply.type(STATUS_LIST_JWT_MEDIA_TYPE).send(published.token);
    },
  );

  // The CORS preflight (Fetch §4.8) of a browser that sends If-None-Match or another header
  // that is not CORS-safelisted itself.
  app.options(`${STATUS_LIST_PATH}:id`, { schema: { hide: true }, config: { anonymousLimit: {} } }, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'GET, HEAD')
      .header('access-control-allow-headers', 'Accept, If-None-Match')
      .header('access-control-max-age', '86400')
      .send(),
  );
}
