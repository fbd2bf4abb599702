import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { problemResponses } from '../api-schemas.js';
import { verificationContextOf } from '../../verification/create-verification-context.js';
import { listHolderHistory } from '../../presentation/list-holder-history.js';

/** The holder's view of where its credentials were presented (authenticated by the holder key). */
export async function walletHistoryRoutes(app: FastifyInstance, runtime: AppDeps): Promise<void> {
  const deps = { ...runtime, verification: verificationContextOf(runtime) };
  app.get(
    '/v1/wallet/history',
    {
      config: { anonymousLimit: { reference: 'history_token' } },
      schema: {
        tags: ['wallet'],
        summary: 'Receipts of presentations made with a holder key (Authorization: Bearer <dproof-history+jwt>)',
        response: { 200: { $ref: 'WalletHistory#' }, ...problemResponses(401, 429, 503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return listHolderHistory(deps, request.headers.authorization);
    },
  );
}
