import { defaultIssuerProfile } from '../../keys/manage-issuer-certificates.js';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { authenticated, clientOf } from '../auth.js';
import { problemResponses } from '../api-schemas.js';
import { createClient, listClients, revokeClient } from '../../clients/manage-clients.js';
import { retireKey, rotateKey } from '../../keys/manage-keys.js';
import { handoverWindowMs } from '../../keys/key-ring.js';
import { viewKey } from '../../keys/view-key.js';
import type { FromSchema } from 'json-schema-to-ts';
import type { ApiBody } from '../api-body-types.js';

const TAG = ['operator'];
const errors = problemResponses(400, 401, 403, 404, 409, 429);

const ROTATE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { alg: { type: 'string', enum: ['ES256', 'EdDSA'] }, force: { type: 'boolean' } },
} as const;
const RETIRE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { force: { type: 'boolean' }, compromised: { type: 'boolean' } },
} as const;

/** Operator actions over HTTP for admin clients; the CLI calls the same domain functions. */

export async function adminRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const admin = <S extends Record<string, unknown>>(schema: S) => authenticated(deps.store, ['admin'], { tags: TAG, ...schema });
  const actor = (id: string) => `client:${id}`;

  app.get(
    '/v1/admin/clients',
    admin({
      summary: 'List API clients',
      response: { 200: { type: 'array', items: { $ref: 'Client#' } }, ...errors },
    }),
    async () => listClients(deps),
  );

  app.post<{ Body: ApiBody<'ClientCreate'> }>(
    '/v1/admin/clients',
    admin({
      summary: 'Create an API client; the API key is shown once',
      body: { $ref: 'ClientCreate#' },
      response: { 201: { $ref: 'ClientCreated#' }, ...errors },
    }),
    async (request, reply) => {
      const { client, apiKey } = await createClient(
        { store: deps.store, clock: deps.clock, actor: actor(clientOf(request).id), catalog: deps.catalog },
        {
          name: request.body.name,
          role: request.body.role,
          types: request.body.types ?? null,
          rateLimit: request.body.rate_limit ?? null,
          logoUri: request.body.logo_uri ?? null,
        },
      );
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ id: client.id, apiKey, client });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/admin/clients/:id/revoke',
    admin({
      summary: 'Revoke an API client; its key stops working at once',
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] },
      response: { 200: { $ref: 'Client#' }, ...errors },
    }),
    async (request) => revokeClient({ store: deps.store, clock: deps.clock, actor: actor(clientOf(request).id) }, request.params.id),
  );

  app.get(
    '/v1/admin/keys',
    admin({
      summary: 'List signing keys and their states',
      response: { 200: { type: 'array', items: { $ref: 'SigningKey#' } }, ...errors },
    }),
    async () => (await deps.store.keys.list()).map(viewKey),
  );

  app.post<{ Body: FromSchema<typeof ROTATE_BODY> }>(
    '/v1/admin/keys/rotate',
    admin({
      summary: 'Make a new signing key active; the old one keeps verifying as retiring',
      body: ROTATE_BODY,
      response: {
        200: { type: 'object', properties: { active: { $ref: 'SigningKey#' }, retiring: { type: ['string', 'null'] } } },
        ...errors,
      },
    }),
    async (request) => {
      const { active, retiring } = await rotateKey(
        {
          store: deps.store,
          keyStore: deps.keyStore,
          clock: deps.clock,
          actor: actor(clientOf(request).id),
          issuerProfile: defaultIssuerProfile(deps.config.publicUrl),
        },
        request.body?.alg ?? deps.config.keyAlg,
        { handoverMs: handoverWindowMs(deps.config), force: request.body?.force === true },
      );
      await deps.keys.refresh();
      return { active: viewKey(active), retiring: retiring ?? null };
    },
  );

  app.post<{ Params: { kid: string }; Body: FromSchema<typeof RETIRE_BODY> }>(
    '/v1/admin/keys/:kid/retire',
    admin({
      summary: 'Retire a retiring key (it leaves the JWKS); compromised: at once, whatever it signed',
      params: { type: 'object', properties: { kid: { type: 'string', maxLength: 128 } }, required: ['kid'] },
      body: RETIRE_BODY,
      response: {
        200: {
          type: 'object',
          properties: { key: { $ref: 'SigningKey#' }, forced: { type: 'boolean' }, compromised: { type: 'boolean' } },
        },
        ...errors,
      },
    }),
    async (request) => {
      const { key, forced, compromised } = await retireKey(
        { store: deps.store, keyStore: deps.keyStore, clock: deps.clock, actor: actor(clientOf(request).id) },
        request.params.kid,
        {
          force: request.body?.force === true,
          compromised: request.body?.compromised === true,
          latestExpiry: deps.latestExpiry,
          handoverMs: handoverWindowMs(deps.config),
        },
      );
      await deps.keys.refresh();
      return { key: viewKey(key), forced, compromised };
    },
  );
}
