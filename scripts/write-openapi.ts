// `npm run openapi`: writes openapi/openapi.json from the route schemas (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, serialize } from './openapi-document.js';

const file = join(import.meta.dirname, '..', 'openapi', 'openapi.json');
writeFileSync(file, serialize(await buildOpenApiDocument()));
process.stdout.write(`wrote ${file}\n`);
