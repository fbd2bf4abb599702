import { installLingeringRefusals } from './http/linger-after-refusal.js';
import type { Server as HttpsServer } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyHttpOptions, type FastifyHttpsOptions, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import formbody from '@fastify/formbody';
import type { Runtime } from './boot.js';
import { AppError } from './errors.js';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler.js';
import { clientErrorHandler } from './http/client-error.js';
import { rememberRequest } from './http/request-in-progress.js';
import { installJsonBodyParser } from './http/json-body.js';
import { parseBoundedForm, refuseFormsWhereNotConsumed } from './http/form-body.js';
import { installNulGuard } from './http/refuse-nul.js';
import { refuseContentCoding } from './http/content-coding.js';
import { refuseCharset } from './http/content-charset.js';
import { refuseBadHost } from './http/host-header.js';
import { refuseBadQueryEncoding } from './http/query-encoding.js';
import { lazyCompilersFactory } from './http/lazy-compilers.js';
import { lazyChildLoggerFactory } from './http/lazy-request-logger.js';
import { addApiSchemas } from './http/api-schemas.js';
import { registerOpenApi } from './http/openapi.js';
import { healthRoutes } from './http/routes/health-routes.js';
import { wellKnownRoutes } from './http/routes/well-known-routes.js';
import { adminRoutes } from './http/routes/admin-routes.js';
import { meRoutes } from './http/routes/me-routes.js';
import { catalogRoutes } from './http/routes/catalog-routes.js';
import { credentialRoutes } from './http/routes/credential-routes.js';
import { statusRoutes } from './http/routes/status-routes.js';
import { openid4vciRoutes } from './http/routes/openid4vci-routes.js';
import { deferredRoutes } from './http/routes/deferred-routes.js';
import { authorizationRoutes } from './http/routes/authorization-routes.js';
import { walletAttestationParCheck } from './issuance/client-attestation/par-client-attestation.js';
import { dpopVerifier } from './issuance/dpop/verify-dpop.js';
import { verifierRoutes } from './http/routes/verifier-routes.js';
import { walletHistoryRoutes } from './http/routes/wallet-history-routes.js';
import { engagementRoutes } from './http/routes/engagement-routes.js';
import { HeldWaits, retryAfterFor } from './presentation/engagement/held-waits.js';
import { webRoutes } from './http/routes/web-routes.js';
import { installMetrics } from './http/metrics.js';
import { sharedRateLimit } from './http/shared-rate-limit.js';
import { installAnonymousLimits } from './http/anonymous-limits.js';
import { publicPathOf, routeUrlOf } from './http/public-path.js';
import { addressKey } from './formats/address-key.js';

/** What the routes need: the runtime that boot.ts opens. */
export type AppDeps = Omit<Runtime, 'close'>;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What a test may set that a deployment never does. */
export interface AppOptions {
  /** The bounds on held engagement waits (default: one HeldWaits with DEFAULT_WAIT_CAPS). */
  heldWaits?: HeldWaits;
}

/** Builds the Fastify app without listening (server.ts listens; tests use inject or listen on port 0). */
export async function buildApp(deps: AppDeps, logger: Logger, opts: AppOptions = {}): Promise<FastifyInstance> {
  // PUBLIC_URL with a path: requests under it reach the routes (public-path.ts).
  const routeUrl = routeUrlOf(publicPathOf(deps.config.publicUrl));
  // Node's server options, for HTTP and HTTPS alike. Node's own missing-Host refusal is an empty 400;
  // refuseBadHost (onRequest) answers it, and a repeated Host. Node checks the request deadlines every
  // connectionsCheckingInterval (30 s by default): at a quarter of REQUEST_TIMEOUT_MS, a request late
  // is refused within 1.25 × of it. Headers alone keep Node's 60 s, never more than the whole.
  const serverOptions = {
    requireHostHeader: false,
    headersTimeout: Math.min(60_000, deps.config.requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.ceil(deps.config.requestTimeoutMs / 4)),
  };
  const options: FastifyHttpOptions<HttpServer> = {
    rewriteUrl: (req) => routeUrl(req.url ?? '/'),
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request child loggers are made when a request first logs (most never do at warn).
    childLoggerFactory: lazyChildLoggerFactory,
    // Every route gets the small limit; the few that carry credentials or portraits raise it to BODY_LIMIT.
    bodyLimit: deps.config.smallBodyLimit,
    // Keys that could pollute prototypes are refused, not silently dropped (SECURITY.md, HTTP).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Routing errors (bad percent-encoding, over-long parameters) as problem+json too (SECURITY.md, HTTP).
    frameworkErrors: frameworkErrorHandler,
    // Fastify's default is 0 (none): a body that never finished held its socket forever (a hostile
    // client's slowloris). Answered 408 by clientErrorHandler.
    requestTimeout: deps.config.requestTimeoutMs,
    http: serverOptions,
    // Requests the HTTP parser refuses (431 headers too large, 400 not HTTP, 408) likewise.
    clientErrorHandler,
    // A caller's x-request-id is kept when it is short and plain; otherwise we make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    // TRUST_PROXY: only these peers' X-Forwarded-For names the client (request.ip, which every
    // per-address limit and bound reads); from anyone else the header is ignored.
    ...(deps.config.trustProxy.length > 0 && { trustProxy: deps.config.trustProxy }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // validateSchema: false: checking every shared schema against the draft-07 meta-schema compiled
    // that meta-schema at every start (~0.1–0.2 s of a cold start's CPU). The schemas are ours and
    // fixed; test/project/api-schemas-meta.test.ts checks them against it instead, and ajv's strict
    // mode still refuses an unknown keyword when a route's schema is compiled.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, validateSchema: false } },
    schemaController: { compilersFactory: lazyCompilersFactory() as never },
  };
  const tls = deps.config.tls;
  // TLS_CERT/TLS_KEY: the same app over HTTPS (a phone needs a secure context for WebCrypto). The
  // routes never touch the raw server, so the HTTPS instance serves as the HTTP-typed one.
  const app = tls
    ? (Fastify({
        ...options,
        https: { ...serverOptions, cert: tls.cert, key: tls.key },
      } as FastifyHttpsOptions<HttpsServer>) as unknown as FastifyInstance)
    : Fastify(options);

  app.decorateRequest('client', null);
  // Behind a balancer without TRUST_PROXY every phone shares the balancer's address (one
  // per-address ceiling for all): said once, when the first forwarded request shows it.
  let forwardedUntrusted = deps.config.trustProxy.length === 0;
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    rememberRequest(request);
    if (forwardedUntrusted && request.headers['x-forwarded-for'] !== undefined) {
      forwardedUntrusted = false;
      request.log.warn(
        'a request came with X-Forwarded-For and TRUST_PROXY is unset: per-address limits count the connecting address; behind a load balancer, set TRUST_PROXY to its addresses',
      );
    }
    done(
      refuseBadHost(request.raw) ??
        refuseBadQueryEncoding(request.url) ??
        refuseContentCoding(request.headers) ??
        refuseCharset(request.headers),
    );
  });

  installErrorHandling(app, routeUrl);
  installLingeringRefusals(app);
  installJsonBodyParser(app);
  installNulGuard(app);
  addApiSchemas(app);
  await registerOpenApi(app, deps.config);
  await app.register(formbody, { parser: parseBoundedForm });
  refuseFormsWhereNotConsumed(app);
  // REDIS_URL: counters shared by every node (fail-open when Redis is down); see shared-rate-limit.ts.
  const limits = sharedRateLimit(app, deps.config.redisUrl, logger);
  await app.register(rateLimit, {
    ...limits.options,
    global: false,
    hook: 'preParsing',
    keyGenerator: (req) => req.client?.id ?? addressKey(req.ip),
    max: async (req) => req.client?.rateLimit ?? deps.config.rateLimitPerMinute,
    allowList: async (req) => (req.client?.rateLimit ?? deps.config.rateLimitPerMinute) === 0,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) =>
      new AppError('rate_limited', `more than ${ctx.max} requests per minute for this client; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });
  // Wallet-facing routes: a per-address ceiling and a per-offer/token/request limit (before the routes).
  installAnonymousLimits(app, deps.config);
  // Before the routes, so its hooks count every one of them.
  installMetrics(app, {
    token: deps.config.metricsToken,
    gauges: [{ name: 'dproof_rate_limit_store_up', help: '1 when the rate-limit store (Redis, or memory) is reachable', read: limits.up }],
  });

  await app.register(healthRoutes, deps);
  await app.register(wellKnownRoutes, deps);
  await app.register(adminRoutes, deps);
  await app.register(meRoutes, deps);
  await app.register(catalogRoutes, deps);
  await app.register(credentialRoutes, deps);
  await app.register(statusRoutes, deps);
  // RFC 9449: one DPoP verifier (server nonces, seen jtis) for the token, credential, deferred and
  // notification endpoints, so a nonce handed out by one is known to the others without a store read.
  const vciDeps = { ...deps, dpop: dpopVerifier(deps) };
  await app.register(openid4vciRoutes, vciDeps);
  await app.register(deferredRoutes, vciDeps);
  // The Authorization Code Flow (OIDC_ISSUER); wallet attestation at PAR plugs in as checkParClient.
  await app.register(authorizationRoutes, { deps, checkParClient: walletAttestationParCheck(deps), dpop: vciDeps.dpop });
  await app.register(verifierRoutes, deps);
  await app.register(walletHistoryRoutes, deps);
  await app.register(engagementRoutes, {
    ...deps,
    heldWaits: opts.heldWaits ?? new HeldWaits({ retryAfterSeconds: retryAfterFor(deps.config.rateLimitPerReferencePerMinute) }),
  });
  await app.register(webRoutes, deps);
  return app;
}
