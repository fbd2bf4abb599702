import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses } from '../api-schemas.js';
import type { ApiBody } from '../api-body-types.js';
import { verificationContextOf } from '../../verification/create-verification-context.js';
import type { PresentationDeps } from '../../presentation/presentation-deps.js';
import { createEngagement } from '../../presentation/engagement/create-engagement.js';
import { redeemEngagement } from '../../presentation/engagement/redeem-engagement.js';
import { waitForEngagement } from '../../presentation/engagement/wait-for-engagement.js';
import type { HeldWaits } from '../../presentation/engagement/held-waits.js';
import { readHolderResult } from '../../presentation/holder-result.js';
import { walletTrustAnchors } from '../../presentation/x509-identity/wallet-trust-anchors.js';

/**
 * Holder-shown counter engagement (the wallet's small QR), and the holder's result of a direct_post.
 * `heldWaits`: the bounds on the waits this app holds (held-waits.ts).
 */
export async function engagementRoutes(app: FastifyInstance, runtime: AppDeps & { heldWaits: HeldWaits }): Promise<void> {
  const deps: PresentationDeps = { ...runtime, verification: verificationContextOf(runtime), log: app.log };

  app.post(
    '/v1/wallet/engagements',
    {
      config: { anonymousLimit: {} },
      schema: {
        tags: ['wallet'],
        summary: 'A one-time engagement handle for a counter: the wallet shows it as a small QR and waits for the counter’s request',
        response: { 201: { $ref: 'EngagementCreated#' }, ...problemResponses(429, 503) },
      },
    },
    async (_request, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(await createEngagement(deps)),
  );

  app.get(
    '/v1/wallet/trust-anchors',
    {
      config: { anonymousLimit: {} },
      schema: {
        tags: ['wallet'],
        summary: 'The CA certificates the web wallet page trusts for verifiers identified by X.509 (WALLET_TRUST_ANCHORS)',
        response: { 200: { $ref: 'WalletTrustAnchors#' }, ...problemResponses(429, 503) },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-cache').send(await walletTrustAnchors(runtime)),
  );

  app.get<{ Querystring: { wait?: string } }>(
    '/v1/wallet/engagements/request',
    {
      config: { anonymousLimit: { reference: 'engagement_token' } },
      schema: {
        tags: ['wallet'],
        summary: 'Long-poll (Authorization: Bearer <wait_token>): the openid4vp:// request a counter made with this wallet’s handle',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            wait: {
              type: 'string',
              pattern: '^(?:0|[1-9][0-9]?)$',
              description: 'Most seconds to hold the answer (capped by ENGAGEMENT_WAIT_SECONDS)',
            },
          },
        },
        response: { 200: { $ref: 'EngagementWait#' }, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const { answer, retryAfterSeconds } = await waitForEngagement(deps, request.headers.authorization, {
        waitSeconds: request.query.wait === undefined ? deps.config.engagementWaitSeconds : Number(request.query.wait),
        gone: () => request.raw.destroyed || request.raw.socket.destroyed,
        address: request.ip,
        held: runtime.heldWaits,
      });
      // Not held (a bound reached): the wallet waits this long before asking again.
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  app.post<{ Body: ApiBody<'EngagementRedeem'> }>(
    '/v1/verifier/engagements',
    {
      ...authenticated(deps.store, ['verifier'], {
        tags: ['verification'],
        summary: 'Redeem a scanned holder engagement QR: an OpenID4VP request with the counter’s DCQL query, delivered to that wallet',
        body: { $ref: 'EngagementRedeem#' },
        response: { 201: { $ref: 'VerifierRequestCreated#' }, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      }),
      bodyLimit: 64 * 1024,
    },
    async (request, reply) => {
      const created = await redeemEngagement(deps, clientOf(request), request.body);
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/openid4vp/results/:code',
    {
      config: { anonymousLimit: { reference: 'result' } },
      schema: {
        tags: ['openid4vp'],
        summary: 'The holder’s result of a presentation (the direct_post redirect_uri): verdict and the reason in plain words',
        params: { type: 'object', properties: { code: { type: 'string', maxLength: 64 } }, required: ['code'] },
        response: { 200: { $ref: 'HolderResult#' }, ...problemResponses(404, 429, 503) },
      },
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await readHolderResult(deps, request.params.code)),
  );
}
