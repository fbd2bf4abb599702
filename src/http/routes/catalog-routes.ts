import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { CredentialType } from '../../catalog/types.js';
import { buildTypeMetadata } from '../../catalog/type-metadata.js';
import { problemResponses } from '../api-schemas.js';
import { PreparedJson, sendPreparedJson } from '../prepared-json.js';
import { publicCors, publicCorsPreflight } from '../public-cors.js';
import { sendError, problem } from '../problem.js';

export const viewCredentialType = (t: CredentialType) => ({
  id: t.id,
  vct: t.vct,
  name: t.name,
  description: t.description,
  issuing_authority: t.issuingAuthority,
  validity: { default_days: t.validity.defaultDays, max_days: t.validity.maxDays },
  formats: t.formats,
  person_bound: t.personBound,
  claims_schema: t.claimsSchema,
  selectively_disclosable: t.selectivelyDisclosable,
  derived_claims: t.derivedClaims,
  claim_display: t.claimDisplay,
  claim_descriptions: t.claimDescriptions,
  example: t.example,
});

/** The catalogue is public: wallets and verifiers read it to show names and claims. */
export async function catalogRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Public: any origin may read the catalogue and the type metadata (public-cors.ts).
  app.addHook('onRequest', publicCors);
  publicCorsPreflight(app, '/v1/credential-types');
  publicCorsPreflight(app, '/vct/*');
  const views = deps.catalog.types.map(viewCredentialType);
  let prepared: PreparedJson | undefined;
  app.get(
    '/v1/credential-types',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Every credential type with its claims schema and an example',
        response: { 200: { type: 'array', items: { $ref: 'CredentialTypeView#' } } },
      },
    },
    async (request, reply) => {
      // Serialized once by the route's own response schema, then sent as bytes.
      prepared ??= new PreparedJson(reply.serialize(views));
      reply.header('cache-control', 'public, max-age=300');
      return sendPreparedJson(request, reply, prepared);
    },
  );

  // SD-JWT VC §6 (type metadata): a GET on the `vct` URL returns the type's metadata.
  const byPath = new Map(deps.catalog.types.map((t) => [t.vctPath, new PreparedJson(JSON.stringify(buildTypeMetadata(t)))]));
  app.get(
    '/vct/*',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'SD-JWT VC type metadata for a vct',
        response: { 200: { type: 'object', additionalProperties: true }, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      const metadata = byPath.get(path);
      if (!metadata) return sendError(request, reply, problem(404, 'unknown_vct', `no credential type has vct ${path}`));
      reply.header('cache-control', 'public, max-age=3600');
      return sendPreparedJson(request, reply, metadata);
    },
  );
}
