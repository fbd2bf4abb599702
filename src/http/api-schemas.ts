import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { schemasDir } from '../paths.js';

/**
 * The API's JSON Schemas live in schemas/api/*.json with short `$id`s; they are the one source
 * for request validation, response serialisation and the OpenAPI document (routes `$ref` them),
 * and for the route body types (`ApiBody<'OfferCreate'>`, through src/http/api-schemas.generated.ts).
 */
export function loadApiSchemas(): Record<string, unknown>[] {
  const dir = join(schemasDir, 'api');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
}

export function addApiSchemas(app: FastifyInstance): void {
  for (const s of loadApiSchemas()) app.addSchema(s);
}

/** Standard error answers for a route's OpenAPI entry. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'Problem#', description: 'RFC 9457 problem details' }]));

/** Response schemas of OAuth-shaped refusals (`{ error, error_description }`) for `statuses`. */
export const oauthErrorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'OAuthError#', description: 'OAuth error' }]));
