import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import { errorCodeTable } from './error-code-table.js';

export const DOCS_PATH = '/docs';

/** OpenAPI 3.1 built from the route schemas; Swagger UI at /docs, the JSON at /docs/json. */
export async function registerOpenApi(app: FastifyInstance, _config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'digital-proof',
        version: '0.1.0',
        description:
          'Issue and verify digital certificates and mobile IDs as SD-JWT VC / VC-JWT credentials. ' +
          'Errors are RFC 9457 problem details with a stable `code` (OAuth `{ error, error_description }` on ' +
          'OpenID4VCI / OpenID4VP endpoints). Every code:\n\n' +
          errorCodeTable(),
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key from `dproof clients create`' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
}
