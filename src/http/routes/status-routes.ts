import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { STATUS_LIST_CWT_MEDIA_TYPE } from '../../formats/status-list/status-list-cwt.js';
import { STATUS_LIST_JWT_MEDIA_TYPE } from '../../formats/status-list/status-list-token.js';
import { problemResponses } from '../api-schemas.js';
import { acceptsGzip, noneMatches } from '../prepared-json.js';
import { parseWeightedList } from '../weighted-list.js';
import { publicCors, publicCorsPreflight } from '../public-cors.js';
import { appError, badRequest, notFound } from '../../errors.js';
import { STATUS_LIST_PATH } from '../../status/status-list-uri.js';
import type { PublishedStatusList } from '../../status/status-list-publisher.js';

const LIST_ID = /^[0-9a-f]{16}$/;

type Form = 'jwt' | 'cwt';

/**
 * The media ranges that name each form (§8.1). `application/jwt` (RFC 7519 §10.3.1) and
 * `application/cwt` (RFC 8392 §9.1) name the same tokens generically, so a relying party that
 * asks for them gets the token it names.
 */
const NAMES: Record<Form, readonly string[]> = {
  jwt: [STATUS_LIST_JWT_MEDIA_TYPE, 'application/jwt'],
  cwt: [STATUS_LIST_CWT_MEDIA_TYPE, 'application/cwt'],
};

/** Longer than any browser or HTTP library sends: refused before it is read (a 16 kB Accept cost negotiator ~8 ms). */
const MAX_ACCEPT_LENGTH = 1024;
const MAX_ACCEPT_RANGES = 32;

/**
 * RFC 9110 §12.5.1: the form the Accept header prefers, or undefined when it takes neither (406).
 * Each form's weight is that of the most specific range naming it (type/subtype over type/* over
 * *\/*); the higher weight wins, the JWT form on a tie (it is the default). Media type parameters
 * other than q are ignored (`application/statuslist+jwt; charset=utf-8` asks for the JWT form).
 */
export function chosenForm(accept: string | undefined): Form | undefined {
  if (accept === undefined || accept.trim() === '') return 'jwt';
  if (accept.length > MAX_ACCEPT_LENGTH) return undefined;
  const ranges = parseWeightedList(accept, MAX_ACCEPT_RANGES);
  if (!ranges) return undefined;
  const weight: Record<Form, { specificity: number; q: number }> = { jwt: { specificity: -1, q: 0 }, cwt: { specificity: -1, q: 0 } };
  for (const { name: type, q } of ranges) {
    for (const form of ['jwt', 'cwt'] as const) {
      const specificity = NAMES[form].includes(type) ? 2 : type === 'application/*' ? 1 : type === '*/*' ? 0 : -1;
      if (specificity > weight[form].specificity) weight[form] = { specificity, q };
    }
  }
  const best = Math.max(weight.jwt.q, weight.cwt.q);
  if (best === 0) return undefined;
  return weight.jwt.q === best ? 'jwt' : 'cwt';
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

export async function statusRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Token Status List §8.1: CORS SHOULD be supported (this plugin's routes only: it is registered encapsulated).
  app.addHook('onRequest', publicCors);

  // Token Status List §8: the status list token as JWT (§5.1) or CWT (§5.2), by content
  // negotiation, cacheable for its ttl, gzipped where the client takes it (JWT form, §8.2).
  // Not rate-limited, like the JWKS: a public document, and an unknown id costs one key lookup.
  app.get<{ Params: { id: string } }>(
    `${STATUS_LIST_PATH}:id`,
    {
      schema: {
        tags: ['status'],
        summary: 'Signed Token Status List (statuslist+jwt, or statuslist+cwt by Accept)',
        description:
          'Token Status List §8: `Accept: application/statuslist+jwt` (the default) or `application/statuslist+cwt`; ' +
          'anything else 406. `?time=<unix seconds>` (§8.4) answers the current token when the list is known not to ' +
          'have changed between its `iat` and the end of that second, else 404: earlier lists are not kept.',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: {
          200: {
            description: 'the Status List Token',
            content: {
              [STATUS_LIST_JWT_MEDIA_TYPE]: { schema: { type: 'string', description: 'compact JWS, typ statuslist+jwt' } },
              [STATUS_LIST_CWT_MEDIA_TYPE]: { schema: { type: 'string', format: 'binary', description: 'tagged COSE_Sign1 (CWT)' } },
            },
          },
          304: { description: 'Not Modified: If-None-Match names this representation', type: 'null' },
          ...problemResponses(400, 404, 406),
        },
      },
    },
    async (request, reply) => {
      // Refusals are not for caches (a 404 for a time or an id may not hold later).
      reply.header('cache-control', 'no-store').header('vary', 'accept, accept-encoding');
      if (!LIST_ID.test(request.params.id)) throw notFound('status_list_not_found', `no status list ${request.params.id}`);
      const time = requestedTime(request.query);
      const form = chosenForm(request.headers.accept);
      if (form === undefined) {
        throw appError(406, 'status_list_not_acceptable', `ask for ${STATUS_LIST_JWT_MEDIA_TYPE} or ${STATUS_LIST_CWT_MEDIA_TYPE}`);
      }
      let published = await deps.statusPublisher.get(request.params.id);
      // §8.4: only the current token is kept. It tells every status from its `iat` until the list
      // was last seen unchanged, so a second that had ended by then gets it; the client checks that
      // the time lies within its iat and exp. Earlier or later: 404, as §8.4 says. The list is read
      // again only for a time the last look does not cover (at most the last second or so).
      const covered = (p: PublishedStatusList) => time! >= p.iat && time! < Math.floor(p.currentUntil / 1000);
      // The second under way is never covered (its end is still to come): no read can help it.
      if (time !== undefined && !covered(published) && time >= published.iat && time < Math.floor(deps.clock.now() / 1000)) {
        published = await deps.statusPublisher.get(request.params.id, { fresh: true });
      }
      if (time !== undefined && !covered(published)) {
        throw notFound('status_list_time_unavailable', 'this status list is kept only as it is now, not as it was at that time');
      }
      reply.header('cache-control', `public, max-age=${published.ttl}`);
      if (form === 'cwt') {
        reply.header('etag', published.cwt.etag);
        if (noneMatches(request.headers['if-none-match'], published.cwt.etag)) return reply.code(304).send();
        return reply.type(STATUS_LIST_CWT_MEDIA_TYPE).send(published.cwt.body);
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

  publicCorsPreflight(app, `${STATUS_LIST_PATH}:id`);
}
