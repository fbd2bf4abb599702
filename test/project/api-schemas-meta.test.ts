/**
 * The API's shared schemas (schemas/api/*.json) are valid JSON Schema (draft-07, what Fastify's ajv
 * reads them as). The server does not check them against the meta-schema at start (app.ts,
 * `validateSchema: false`: compiling the meta-schema was a tenth of a cold start), so this does.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import ajvModule from 'ajv';
import { loadApiSchemas } from '../../src/http/api-schemas.js';

it('every shared API schema is valid against the draft-07 meta-schema, and a broken one is caught', () => {
  const ajv = new ajvModule.default({ allErrors: true });
  const schemas = loadApiSchemas();
  assert.ok(schemas.length > 10);
  for (const s of schemas) assert.ok(ajv.validateSchema(s), `${String(s.$id)}: ${ajv.errorsText(ajv.errors)}`);
  assert.equal(ajv.validateSchema({ $id: 'Broken', type: 'object', required: 'name' }), false);
});
