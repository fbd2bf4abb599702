import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { problemResponses } from '../api-schemas.js';
import { verificationContextOf } from '../../verification/create-verification-context.js';
import {
  HISTORY_CURSOR_MAX_LENGTH,
  HISTORY_MAX_LIMIT,
  listHolderHistory,
  type HistoryQuery,
} from '../../presentation/list-holder-history.js';

/** The holder's view of where its credentials were presented (authenticated by the holder key). */
export async function walletHistoryRoutes(app: FastifyInstance, runtime: AppDeps): Promise<void> {
  const deps = { ...runtime, verification: verificationContextOf(runtime) };
  app.get<{ Querystring: HistoryQuery }>(
    '/v1/wallet/history',
    {
      config: { anonymousLimit: { reference: 'history_token' } },
      schema: {
        tags: ['wallet'],
        summary:
          'Receipts of presentations made with a holder key, newest first, one page at a time (Authorization: Bearer <dproof-history+jwt>, a new one per page)',
        // Query values arrive as strings and the app's validator does not coerce types; a name
        // sent twice arrives as an array and is refused, like a name this route does not know.
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            // Their values are checked where they are read (list-holder-history.ts), which says
            // invalid_request for a limit and invalid_cursor for a cursor this service did not write.
            limit: {
              type: 'string',
              description: `Most receipts on the page: 1 to ${HISTORY_MAX_LIMIT} (default ${HISTORY_MAX_LIMIT})`,
            },
            cursor: {
              type: 'string',
              description: `The \`next\` of the previous page (opaque, at most ${HISTORY_CURSOR_MAX_LENGTH} characters); absent for the newest page`,
            },
          },
        },
        response: { 200: { $ref: 'WalletHistory#' }, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return listHolderHistory(deps, request.headers.authorization, request.query);
    },
  );
}
