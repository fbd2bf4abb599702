import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { STATUS_LIST_JWT_MEDIA_TYPE } from '../../formats/status-list/status-list-token.js';
import { problemResponses } from '../api-schemas.js';
import { noneMatches } from '../prepared-json.js';
import { notFound } from '../../errors.js';
import { STATUS_LIST_PATH } from '../../status/status-list-uri.js';

const LIST_ID = /^[0-9a-f]{16}$/;

export async function statusRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Token Status List §8.1: the status list token, `application/statuslist+jwt`, cacheable for its ttl.
  app.get<{ Params: { id: string } }>(
    `${STATUS_LIST_PATH}:id`,
    {
      schema: {
        tags: ['status'],
        summary: 'Signed Token Status List (statuslist+jwt)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
        response: { 200: { type: 'string', description: 'compact JWS, typ statuslist+jwt' }, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      if (!LIST_ID.test(request.params.id)) throw notFound('status_list_not_found', `no status list ${request.params.id}`);
      const published = await deps.statusPublisher.get(request.params.id);
      reply.header('etag', published.etag).header('cache-control', `public, max-age=${published.ttl}`);
      // RFC 9110 §13.1.2: weak comparison, `*`, and a comma-separated list.
      if (noneMatches(request.headers['if-none-match'], published.etag)) return reply.code(304).send();
      return reply.type(STATUS_LIST_JWT_MEDIA_TYPE).send(published.token);
    },
  );
}
