/**
 * Request body types derived from the API's JSON Schemas (json-schema-to-ts), so a route's
 * generic and its validation come from one source: `ApiBody<'OfferCreate'>`.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { API_SCHEMAS } from './api-schemas.generated.js';

type Schemas = typeof API_SCHEMAS;
/** Shared schemas a body may `$ref` (by `$id`). */
type References = [Schemas['Purpose'], Schemas['LocalizedText'], Schemas['Jwk']];

export type ApiBody<Id extends keyof Schemas> = FromSchema<Schemas[Id], { references: References }>;
