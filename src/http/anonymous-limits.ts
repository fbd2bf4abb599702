/**
 * Rate limits of the wallet-facing endpoints, which have no API client to count against.
 *
 * Two limits, both in the shared counter store (Redis when REDIS_URL is set, see
 * shared-rate-limit.ts), both checked before the body is read where the key allows it:
 *
 * - per client address, a generous CEILING against floods (RATE_LIMIT_PER_ADDRESS_PER_MINUTE).
 *   It must stay high: behind carrier-grade NAT thousands of phones share one address, and a
 *   tight per-address limit would lock out a whole district.
 * - per thing the request carries (RATE_LIMIT_PER_REFERENCE_PER_MINUTE), the tight one: the offer
 *   reference, the pre-authorized code, the access token, the OpenID4VP request id or state, the
 *   history token. One wallet uses each of these a handful of times, so a low limit here costs
 *   honest users nothing and caps what one stolen or guessed value can be tried for.
 *
 * A route opts in with `config: { anonymousLimit: { reference } }`; this module adds the hooks.
 * Counter keys hold a SHA-256 of the value, never the value (they are secrets, and Redis keys
 * are visible to whoever operates Redis).
 */
import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { authorizationParts } from '../formats/authorization-header.js';
import { addressKey } from '../formats/address-key.js';

export type ReferenceKind =
  'offer' | 'pre_authorized_code' | 'access_token' | 'request' | 'state' | 'history_token' | 'engagement_token' | 'result';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A wallet-facing route without API client: per-address ceiling, plus a limit per `reference`. */
    anonymousLimit?: { reference?: ReferenceKind };
  }
}

const field = (from: unknown, name: string): unknown =>
  from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[name] : undefined;

/**
 * The credentials of an Authorization header as every token endpoint reads them
 * (authorization-header.ts): `Bearer x`, `bearer x`, `DPoP x` and `Bearer  x` count against one
 * token (the raw header let one token make the limit's number of requests once per spelling); a
 * header no endpoint reads as a token is counted as it is.
 */
const authorizationCredentials = (header: unknown): string | undefined =>
  authorizationParts(header)?.credentials ?? (typeof header === 'string' ? header : undefined);

/**
 * Where each reference is read and when: header and path values before the body is read
 * (onRequest); form fields once the (small, size-bounded) form is parsed (preValidation).
 */
const REFERENCES: Record<ReferenceKind, { hook: 'onRequest' | 'preValidation'; read: (r: FastifyRequest) => unknown; what: string }> = {
  offer: { hook: 'onRequest', read: (r) => field(r.params, 'ref'), what: 'this offer' },
  pre_authorized_code: { hook: 'preValidation', read: (r) => field(r.body, 'pre-authorized_code'), what: 'this pre-authorized code' },
  access_token: { hook: 'onRequest', read: (r) => authorizationCredentials(r.headers.authorization), what: 'this access token' },
  request: { hook: 'onRequest', read: (r) => field(r.params, 'id'), what: 'this request' },
  state: { hook: 'preValidation', read: (r) => field(r.body, 'state'), what: 'this request' },
  history_token: { hook: 'onRequest', read: (r) => authorizationCredentials(r.headers.authorization), what: 'this history token' },
  engagement_token: { hook: 'onRequest', read: (r) => authorizationCredentials(r.headers.authorization), what: 'this wait token' },
  result: { hook: 'onRequest', read: (r) => field(r.params, 'code'), what: 'this result' },
};

const ONE_MINUTE = 60_000;
/** Counters kept per node without Redis; a flood of fresh values evicts old ones, the address ceiling still holds. */
const LOCAL_COUNTERS = 50_000;

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function limiter(
  app: FastifyInstance,
  max: number,
  key: (r: FastifyRequest) => string | undefined,
  what: (r: FastifyRequest) => string,
): Hook {
  // The key is computed once per request (a reference's key is a SHA-256) and handed to the
  // limiter's keyGenerator beside the request (not as a property added to it: Fastify's request
  // objects keep one shape).
  const keys = new WeakMap<FastifyRequest, string>();
  const options = {
    max,
    timeWindow: ONE_MINUTE,
    keyGenerator: (r: FastifyRequest) => keys.get(r) ?? '',
    // The app-wide options let API clients with limit 0 through; that does not apply here.
    allowList: () => false,
    cache: LOCAL_COUNTERS,
  };
  const check = app.createRateLimit(options);
  return async (request, reply) => {
    const k = key(request);
    if (k === undefined) return;
    keys.set(request, k);
    const r = await check(request);
    if (r.isAllowed || !r.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, r.ttlInSeconds)));
    throw new AppError(
      'rate_limited',
      `more than ${r.max} requests per minute for ${what(request)}; retry in ${Math.max(1, r.ttlInSeconds)} s`,
    );
  };
}

const digest = (kind: string, value: string) => hash('sha256', `${kind}:${value}`, 'base64url').slice(0, 22);

function prepend(route: RouteOptions, hook: 'onRequest' | 'preValidation', handler: Hook): void {
  const existing = route[hook];
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  route[hook] = [handler, ...list] as never;
}

/** Adds the limits to every route declared after this call that has `config.anonymousLimit`. */
export function installAnonymousLimits(
  app: FastifyInstance,
  config: Pick<Config, 'rateLimitPerAddressPerMinute' | 'rateLimitPerReferencePerMinute'>,
): void {
  const perAddress =
    config.rateLimitPerAddressPerMinute > 0
      ? limiter(
          app,
          config.rateLimitPerAddressPerMinute,
          (r) => `addr:${addressKey(r.ip)}`,
          () => 'this address',
        )
      : undefined;
  const perReference = new Map<ReferenceKind, Hook>();
  if (config.rateLimitPerReferencePerMinute > 0) {
    for (const [kind, ref] of Object.entries(REFERENCES) as [ReferenceKind, (typeof REFERENCES)[ReferenceKind]][]) {
      const key = (r: FastifyRequest) => {
        const value = ref.read(r);
        return typeof value === 'string' && value !== '' ? `${kind}:${digest(kind, value)}` : undefined;
      };
      perReference.set(
        kind,
        limiter(app, config.rateLimitPerReferencePerMinute, key, () => ref.what),
      );
    }
  }
  app.addHook('onRoute', (route) => {
    const spec = route.config?.anonymousLimit;
    if (!spec) return;
    // A wallet-facing route's path parameters are references whoever holds them can use (offer
    // reference, request id, result code): its request log lines show the route pattern, not the path.
    if (route.url.includes(':')) route.config = { ...route.config, logRoute: true };
    const reference = spec.reference && perReference.get(spec.reference);
    // Prepended, so they run before the route's own hooks (a token lookup is a store read).
    if (reference && spec.reference) prepend(route, REFERENCES[spec.reference].hook, reference);
    if (perAddress) prepend(route, 'onRequest', perAddress);
  });
}
