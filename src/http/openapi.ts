import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../config.js';
import { errorCodeTable } from './error-code-table.js';
import { refuseStaticPaths } from './static-mounts.js';

export const DOCS_PATH = '/docs';

/**
 * Swagger UI's own files (page, script bundle, logo), beside the plugin's code in node_modules.
 * Given to the plugin as `baseDir` and `logo`, so that it never looks for them through its
 * `__dirname`: bundled into dist/ (scripts/build.js), it has none of its own, and bundled it loads
 * as part of one chunk instead of ~450 CommonJS files (yaml alone is 229) at every start.
 */
function swaggerUiFiles(): { baseDir: string; logo: { type: string; content: Buffer } } {
  const baseDir = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')), 'static');
  return { baseDir, logo: { type: 'image/svg+xml', content: readFileSync(join(baseDir, 'logo.svg')) } };
}

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
  // Encapsulated so that the viewport hook below sees only the docs' own responses.
  await app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply, payload) => {
      const type = reply.getHeader('content-type');
      return typeof payload === 'string' && typeof type === 'string' && type.startsWith('text/html') ? withViewport(payload) : payload;
    });
    // Swagger UI's @fastify/static serves dot files (its default): a hidden file, a climb with .. or
    // a path not in plain form under /docs/static/ or /docs/ is refused first, as under /web/.
    refuseStaticPaths(docs);
    await docs.register(swaggerUi, {
      ...swaggerUiFiles(),
      routePrefix: DOCS_PATH,
      staticCSP: DOCS_CSP,
      uiConfig: { validatorUrl: null },
      // The error-code table is wider than a phone: it scrolls inside itself instead of widening the page.
      theme: { css: [{ filename: 'phone.css', content: '.swagger-ui .info table { display: block; overflow-x: auto; }' }] },
    });
  });
}

/**
 * The plugin's own `staticCSP: true` policy ends in `upgrade-insecure-requests`, which turns every
 * asset of a page served over plain HTTP on a LAN address into an https request that fails (a
 * blank page), and it blocks the inline styles Swagger UI's bundle sets at run time (a console
 * error on every load). Scripts stay 'self' only; styles may be inline on this page alone.
 */
const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/** Swagger UI's page has no viewport line: without one a phone lays it out 980 px wide. */
const withViewport = (html: string): string =>
  html.includes('name="viewport"')
    ? html
    : html.replace('<head>', '<head>\n<meta name="viewport" content="width=device-width, initial-scale=1">');
