import { it } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiSchemaConsts } from '../../scripts/api-schema-consts.js';
import type { ApiBody } from '../../src/http/api-body-types.js';
import { ROOT } from '../helpers/spawn-server.js';

it('src/http/api-schemas.generated.ts matches schemas/api/*.json (run `npm run openapi` after changing a schema)', () => {
  assert.equal(readFileSync(join(ROOT, 'src', 'http', 'api-schemas.generated.ts'), 'utf8'), renderApiSchemaConsts());
});

it('route body types follow the schemas: required members, enums and $ref targets are enforced by the compiler', () => {
  const client: ApiBody<'ClientCreate'> = { name: '은행 창구', role: 'verifier' };
  // @ts-expect-error role is an enum of the schema
  const badRole: ApiBody<'ClientCreate'> = { name: 'x', role: 'root' };
  const request: ApiBody<'VerifierRequestCreate'> = { dcql_query: {}, purpose: { ko: '나이 확인', en: 'Age check' } };
  // @ts-expect-error Purpose (by $ref) needs both languages
  const badPurpose: ApiBody<'VerifierRequestCreate'> = { dcql_query: {}, purpose: { ko: '나이 확인' } };
  // @ts-expect-error reason is required
  const noReason: ApiBody<'StatusChange'> = {};
  assert.ok(client && badRole && request && badPurpose && noReason);
});
