import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { problem, sendError } from '../problem.js';

export async function healthRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'Liveness: the process answers', response: { 200: { $ref: 'Health#' } } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the store answers, a signing key is loaded and its key backend (file or HSM) answers',
        response: { 200: { $ref: 'Health#' }, 503: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      let store = 'ok';
      try {
        await deps.store.ping();
      } catch {
        store = 'unreachable';
      }
      const keys = !deps.keys.hasActive(deps.config.keyAlg)
        ? 'no active signing key'
        : !deps.keys.statesFresh()
          ? 'key states not read for a handover'
          : 'ok';
      // A PKCS#11 module that dropped its token; health() also starts its reconnect.
      const signer = deps.keyStore.health();
      if (store !== 'ok' || keys !== 'ok' || signer !== 'ok') {
        reply.header('retry-after', '5');
        return sendError(
          request,
          reply,
          problem(503, 'not_ready', `not ready: store ${store}, keys ${keys}, signer ${signer}`, { checks: { store, keys, signer } }),
        );
      }
      return { status: 'ok' as const, checks: { store, keys, signer } };
    },
  );
}
