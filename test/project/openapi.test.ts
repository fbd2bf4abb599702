import { it } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, serialize } from '../../scripts/openapi-document.js';
import { ROOT } from '../helpers/spawn-server.js';

it('openapi/openapi.json matches the route schemas (run `npm run openapi` after changing a route)', async () => {
  const committed = readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8');
  const doc = await buildOpenApiDocument();
  assert.equal(serialize(doc), committed);
  const paths = Object.keys((doc as { paths: Record<string, unknown> }).paths);
  assert.ok(paths.includes('/readyz') && paths.includes('/v1/admin/clients'));
});
