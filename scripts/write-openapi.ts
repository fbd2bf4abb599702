// `npm run openapi`: writes openapi/openapi.json from the route schemas, and the API schemas as
// TypeScript consts for the route body types (a test fails when either is stale).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, serialize } from './openapi-document.js';
import { renderApiSchemaConsts } from './api-schema-consts.js';

const consts = join(import.meta.dirname, '..', 'src', 'http', 'api-schemas.generated.ts');
writeFileSync(consts, renderApiSchemaConsts());
process.stdout.write(`wrote ${consts}\n`);
const file = join(import.meta.dirname, '..', 'openapi', 'openapi.json');
writeFileSync(file, serialize(await buildOpenApiDocument()));
process.stdout.write(`wrote ${file}\n`);
