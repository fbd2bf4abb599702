import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { LogLevel } from '../config.js';
import { routeTableOf } from './route-table.js';

/**
 * Paths pino removes from every log line. Request logs carry method, path and status only (the
 * query string is dropped by the serializer below); these paths catch anything that a handler
 * logs by mistake: headers with credentials, API keys, tokens, claims, keys and proofs.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["dpop"]',
  'headers.authorization',
  'authorization',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'passphrase',
  '*.passphrase',
  'pin',
  '*.pin',
  'privateKey',
  '*.privateKey',
  '*.d',
  'claims',
  '*.claims',
  'credential',
  '*.credential',
  'credentials',
  '*.credentials',
  'presentation',
  '*.presentation',
  'vp_token',
  '*.vp_token',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'pre-authorized_code',
  '*["pre-authorized_code"]',
  'tx_code',
  '*.tx_code',
  'proof',
  '*.proof',
  'proofs',
  '*.proofs',
  'disclosures',
  '*.disclosures',
  'body',
  '*.body',
];

interface RawRequest {
  method?: string;
  url?: string;
  id?: string;
  routeOptions?: { url?: string; config?: { logRoute?: boolean } };
  /** The app the request arrived at (Fastify's `request.server`): its route table names the path words. */
  server?: FastifyInstance;
}

/**
 * Paths whose next segment is a secret: whoever holds it holds the thing. The offer reference
 * (OpenID4VCI §4.1.3, credential_offer_uri) hands out the pre-authorized code; an OpenID4VP
 * request id (request_uri, RFC 9101 §5.2) hands out the request's state and nonce; a result code
 * the holder's own result. Redacted in every request log line, whatever the status: also a 404
 * under such a path (which matches no route), a routing error, odd casing or doubled slashes.
 */
export const SECRET_PATH_PREFIXES: readonly RegExp[] = [
  /^(\/+openid4vci\/+credential-offer\/+)[^/]+/i,
  /^(\/+openid4vp\/+requests\/+)[^/]+/i,
  /^(\/+v1\/+verifier\/+requests\/+)[^/]+/i,
  /^(\/+openid4vp\/+results\/+)[^/]+/i,
];

export const REDACTED_SEGMENT = ':redacted';

/**
 * The ids this service mints, logged as sent: UUIDs (credentials, deferred issuances), a status
 * list's 16 hex digits, an API client's `c` and 16 hex digits (never its key's secret part).
 */
const OUR_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|c?[0-9a-f]{16})$/i;
/** A built asset's name under a wildcard route (/web/*, Swagger UI's /docs/static/*): `wallet.js`, `chunk-X.js.map`. */
const ASSET_NAME = /^[A-Za-z0-9_-]{1,100}(?:\.[A-Za-z0-9_-]{1,20}){0,3}\.(?:js|css|map|svg|png|ico|json|html|txt)$/;

/**
 * The path with every segment that may hold a secret redacted, judged segment by segment:
 *
 * - A path that matched no route (`route` undefined) keeps only the static words of the service's
 *   own routes (`v1`, `openid4vci`, `credential-offer`, `.well-known`, …; route-table.ts
 *   isPathWord, collected as routes are registered), whatever a segment's length: a secret pasted
 *   under a mistyped path (a 10-character pre-authorized code, a tx_code, part of an API key, a
 *   13-digit resident registration number) must not reach the log. A segment is compared as
 *   sent: a word in other case or percent-encoded is redacted too. Without the app's route table
 *   (no request object), every segment is redacted.
 * - A path that matched a route with parameters or a wildcard: a parameter takes any text (the
 *   route answers 404 for one it does not know), so its value is kept only when it is one of our
 *   ids, and a wildcard's segments only when they are route words or an asset's name
 *   (`/v1/credentials/900101-1234567` or `/web/<code>` must not put a resident registration
 *   number or a code into the log because the route matched). A route without either: as sent.
 *
 * Empty segments (`//`) carry nothing and stay; the route's segments are aligned on the path's
 * non-empty ones, so a doubled slash the router ignores shifts nothing.
 */
function redactedPath(path: string, route: string | undefined, server: FastifyInstance | undefined): string {
  if (route !== undefined && !route.includes(':') && !route.includes('*')) return path;
  const pattern = route?.split('/').filter((p) => p !== '');
  const wildcardAt = pattern?.indexOf('*') ?? -1;
  const table = server && routeTableOf(server);
  let i = -1;
  return path
    .split('/')
    .map((segment) => {
      if (segment === '') return segment;
      i++;
      if (pattern === undefined) return table?.isPathWord(segment) ? segment : REDACTED_SEGMENT;
      const p = wildcardAt !== -1 && i >= wildcardAt ? '*' : pattern[i];
      if (p === '*') return table?.isPathWord(segment) || ASSET_NAME.test(segment) ? segment : REDACTED_SEGMENT;
      if (p === undefined || p.includes(':')) return OUR_ID.test(segment) ? segment : REDACTED_SEGMENT;
      return segment;
    })
    .join('/');
}

/** The path to log: the route pattern when the route says its path holds a secret, else the path with secrets redacted. */
export function loggedPath(req: RawRequest): string {
  const route = req.routeOptions?.url;
  if (req.routeOptions?.config?.logRoute && route) return route;
  // The router ends the path at `?` and at `#` (a fragment a hand-written client sent): neither is logged.
  let path = (req.url ?? '').split(/[?#]/)[0] ?? '';
  for (const prefix of SECRET_PATH_PREFIXES) path = path.replace(prefix, `$1${REDACTED_SEGMENT}`);
  // An empty route (none matched) is judged as none.
  return redactedPath(path, route || undefined, req.server);
}

export function loggerOptions(level: LogLevel): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Only the path: query strings may carry codes or tokens.
      req: (req: RawRequest) => ({ id: req.id, method: req.method, path: loggedPath(req), route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
