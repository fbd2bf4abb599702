/**
 * The web pages — /wallet, /verifier, /console — and their assets under /web/, built by
 * `npm run build:web` (scripts/build-web.ts) into dist/web/. Everything here is served by this
 * app: no CDN, no third-party host.
 *
 * Security headers (helmet) apply to these routes only (this plugin is encapsulated); the JSON
 * API keeps its own headers. The Content-Security-Policy allows scripts and styles from this
 * origin only (no inline code, no eval), connections to this origin only, images from this
 * origin and data:/blob: (portraits, QR canvases) and https: (a verifier's registered logo,
 * client_metadata.logo_uri, which the wallet shows on its consent screen; images only, never
 * scripts or connections, and with no referrer, so the logo's host learns no page address), no frames, no plugins, no form posts, and
 * Trusted Types with no policy, so `innerHTML` and friends cannot be used at all: the pages build
 * their DOM with text nodes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { AppDeps } from '../../app.js';
import { projectRoot } from '../../paths.js';
import { problem, sendError } from '../problem.js';
import { refuseStaticPaths } from '../static-mounts.js';

export const WEB_PAGES = ['wallet', 'verifier', 'console'] as const;
export const webDistDir = join(projectRoot, 'dist', 'web');

export const WEB_CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ["'none'"],
};

/**
 * The wallet page alone may load images from any https origin: the consent screen shows the
 * verifier's `logo_uri` (client_metadata), which only the verifier hosts. The trade-off is that the
 * verifier's host sees the wallet fetch its logo (no referrer is sent: referrer-policy no-referrer).
 * The verifier page and the console keep images to 'self'.
 */
const WALLET_PAGE_CSP_DIRECTIVES = { ...WEB_CSP_DIRECTIVES, 'img-src': [...WEB_CSP_DIRECTIVES['img-src'], 'https:'] };

export async function webRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const production = deps.config.nodeEnv === 'production';
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: WEB_CSP_DIRECTIVES },
    // Pages need the camera for QR scanning (wallet, verifier) and nothing else.
    permittedCrossDomainPolicies: { permittedPolicies: 'none' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only makes sense behind https; a development server on http://localhost must not pin it.
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()');
  });

  // A hidden file, a climb out of /web/ with .. or a path not in plain form is 403 path_forbidden
  // before @fastify/static looks; what it still refuses the app's error handler sorts the same way
  // (static-mounts.ts). dotfiles: 'deny' stays, should a path reach it.
  refuseStaticPaths(app);

  await app.register(fastifyStatic, {
    root: webDistDir,
    prefix: '/web/',
    index: false,
    list: false,
    dotfiles: 'deny',
    schemaHide: true,
    // Bundles are rebuilt in place by `npm run build`; revalidate instead of caching blindly.
    cacheControl: true,
    maxAge: 0,
    allowedPath: (path) => !path.endsWith('.html'),
  });

  for (const page of WEB_PAGES) {
    // helmet's route option: the wallet page's CSP is serialised by helmet like the others', the rest of the headers unchanged.
    const csp = page === 'wallet' && { contentSecurityPolicy: { useDefaults: false, directives: WALLET_PAGE_CSP_DIRECTIVES } };
    app.get(`/${page}`, { schema: { hide: true }, ...(csp && { helmet: csp }) }, async (request, reply) => {
      const file = join(webDistDir, `${page}.html`);
      if (!existsSync(file)) {
        return sendError(
          request,
          reply,
          problem(503, 'web_not_built', 'the web pages are not built: run `npm run build:web` (npm start and npm install do it)'),
        );
      }
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(readFileSync(file));
    });
  }
}
