/**
 * A shadow router holding every route pattern the app registers, with the route's options, for
 * the answers given where Fastify's router chose no route: "no such path" (404) or "no such
 * method on this path" (405 with Allow), and the shape of a routing error (a malformed
 * percent-encoding, an over-long path parameter) on a path that names a route of ours, so that
 * an OpenID4VCI / OpenID4VP / OAuth endpoint answers it in its own OAuth shape
 * (error-handler.ts frameworkErrorHandler).
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

/** The methods a path is tried with for Allow. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface RouteTable {
  /** The methods some route takes at this path (as sent: percent-encoded, no query). */
  allowedMethods(path: string): string[];
  /**
   * The options of the route `method` would reach at this path, if its parameters were well-formed:
   * every `%` is read as a literal one, so a bad percent-encoding in a parameter still finds the
   * route (a static segment spelt with escapes does not, and its error keeps the problem+json shape).
   */
  routeAt(method: string, path: string): RouteOptions | undefined;
  /**
   * The options of the route a request line's method and target (as sent: PUBLIC_URL's path
   * prefix, a query) would reach, for answers written before Fastify has a request.
   */
  routeFor(method: string, target: string): RouteOptions | undefined;
  /**
   * Whether `segment` is, exactly as given, a static segment of some route pattern (`v1`,
   * `credential-offer`, `.well-known`, `qr.svg`): the only segments of a path that matched no
   * route that its log line keeps (logger.ts loggedPath). No parameter (`:id`, `*`) is a word.
   */
  isPathWord(segment: string): boolean;
}

const tables = new WeakMap<FastifyInstance, RouteTable>();

/**
 * The table of the app a request arrived at, once installRouteTable ran. `request.server` is the
 * route's own encapsulated instance (a plugin's scope: /web/*, /docs/*), which Fastify makes with
 * Object.create from its parent: the table is found up that chain, at the root.
 */
export function routeTableOf(app: FastifyInstance): RouteTable | undefined {
  for (let a: object | null = app; a !== null; a = Object.getPrototypeOf(a) as object | null) {
    const table = tables.get(a as FastifyInstance);
    if (table) return table;
  }
  return undefined;
}

/** A segment of a route pattern that is spelt out: not empty, no parameter (`:id`, `:id.:secret`, `*`). */
const isStaticSegment = (segment: string): boolean => segment !== '' && !segment.includes(':') && !segment.includes('*');

/** Records every route as it is added; call before any route is registered. */
const pathOf = (url: string): string => url.split('?')[0] ?? '';

export function installRouteTable(app: FastifyInstance, routeUrl: (url: string) => string = (url) => url): RouteTable {
  // No parameter is too long here: the real router refuses those (414), and this one is asked
  // which route a refused path named.
  const router = FindMyWay({ ignoreTrailingSlash: false, maxParamLength: Number.MAX_SAFE_INTEGER });
  const words = new Set<string>();
  app.addHook('onRoute', (opts) => {
    for (const segment of pathOf(opts.url).split('/')) if (isStaticSegment(segment)) words.add(segment);
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    for (const m of methods) {
      try {
        // The options object itself, read when asked: later onRoute hooks may still change its config.
        router.on(m as HTTPMethod, opts.url, () => undefined, { route: opts });
      } catch {
        /* the same pattern twice (HEAD beside GET) */
      }
    }
  });
  const table: RouteTable = {
    allowedMethods: (path) => METHODS.filter((m) => router.find(m, path) !== null),
    routeAt: (method, path) => {
      const found = router.find((method === 'HEAD' ? 'GET' : method) as HTTPMethod, path.replaceAll('%', '%25'));
      return (found?.store as { route?: RouteOptions } | undefined)?.route;
    },
    routeFor: (method, target) => (target.startsWith('/') ? table.routeAt(method, pathOf(routeUrl(pathOf(target)))) : undefined),
    isPathWord: (segment) => words.has(segment),
  };
  tables.set(app, table);
  return table;
}
