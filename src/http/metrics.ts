/**
 * `GET /metrics` in the Prometheus text exposition format (prom-client), one registry per app.
 *
 * What is counted, all from the HTTP layer so the domain code stays free of metrics:
 * - every answer by method, route PATTERN (never the path: paths carry ids and offer
 *   references) and status, with a latency histogram;
 * - every refusal by its stable error code (problem+json `code` or OAuth `error`);
 * - credentials issued (back-office API and OpenID4VCI), by credential type;
 * - verifications (counter QR and OpenID4VP direct_post), by verdict;
 * - status changes (suspend / reinstate / revoke);
 * - wallet notifications (OpenID4VCI §11), by event.
 * Label values come from fixed sets (route patterns, our error codes, catalogue ids, verdicts),
 * so a caller cannot blow up the number of series; anything unexpected is counted as `other`.
 *
 * No personal data, token or key is ever a label. The endpoint is still operational detail, so
 * METRICS_TOKEN (when set) makes it ask for `Authorization: Bearer <token>`.
 */
import { timingSafeEqual, hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { problem, sendError } from './problem.js';

export const METRICS_PATH = '/metrics';

/** What the onSend hook learned from a successful body, counted once the answer is sent. */
interface Outcome {
  issued?: { channel: 'api' | 'openid4vci'; type: string; count: number };
  verified?: { channel: 'counter' | 'openid4vp'; verdict: string };
  statusChange?: string;
  walletEvent?: string;
  errorCode?: string;
}

/** OpenID4VCI §11 events; anything else was refused before it could be counted. */
const WALLET_EVENTS = new Set(['credential_accepted', 'credential_failure', 'credential_deleted']);

const OUTCOME = Symbol('dproof.metrics.outcome');
type WithOutcome = FastifyRequest & { [OUTCOME]?: Outcome };

const LABEL = /^[a-z0-9][a-z0-9_.:+-]{0,63}$/;
const label = (v: unknown): string => (typeof v === 'string' && LABEL.test(v) ? v : 'other');

const STATUS_CHANGE = /^\/v1\/credentials\/:id\/(suspend|reinstate|revoke)$/;

/** The body as an object: as the route returned it (preSerialization), or parsed back from JSON text (onSend). */
function parse(payload: unknown): Record<string, unknown> | undefined {
  if (payload !== null && typeof payload === 'object' && !Buffer.isBuffer(payload)) {
    return Array.isArray(payload) ? undefined : (payload as Record<string, unknown>);
  }
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return undefined;
  try {
    const v: unknown = JSON.parse(payload.toString());
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function bodyField(request: FastifyRequest, name: string): unknown {
  const b = request.body;
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>)[name] : undefined;
}

/** Reads the outcome of the few routes whose body says what happened (only JSON bodies, only these routes). */
function outcomeOf(request: FastifyRequest, status: number, payload: unknown): Outcome | undefined {
  const route = request.routeOptions.url;
  if (status >= 400) {
    const body = parse(payload);
    return { errorCode: label(body?.code ?? body?.error) };
  }
  if (status >= 300 || request.method !== 'POST' || route === undefined) return undefined;
  if (route === '/v1/credentials') return { issued: { channel: 'api', type: label(bodyField(request, 'type')), count: 1 } };
  if (route === '/openid4vci/credential') {
    const list = parse(payload)?.credentials;
    return {
      issued: {
        channel: 'openid4vci',
        type: label(bodyField(request, 'credential_configuration_id')),
        count: Array.isArray(list) ? list.length : 0,
      },
    };
  }
  if (route === '/openid4vci/deferred-credential') {
    const list = parse(payload)?.credentials;
    return { issued: { channel: 'openid4vci', type: 'deferred', count: Array.isArray(list) ? list.length : 0 } };
  }
  if (route === '/openid4vci/notification') {
    const event = bodyField(request, 'event');
    return { walletEvent: typeof event === 'string' && WALLET_EVENTS.has(event) ? event : 'other' };
  }
  if (route === '/v1/verifier/verify') return { verified: { channel: 'counter', verdict: label(parse(payload)?.verdict) } };
  if (route === '/openid4vp/response') return { verified: { channel: 'openid4vp', verdict: label(parse(payload)?.status) } };
  const change = STATUS_CHANGE.exec(route);
  if (change) return { statusChange: change[1] as string };
  return undefined;
}

const sha256 = (s: string) => hash('sha256', s, 'buffer');

export interface MetricsOptions {
  token: string | undefined;
  /** Extra gauges read at scrape time, e.g. whether the shared rate-limit store is connected. */
  gauges?: { name: string; help: string; read: () => number }[];
}

/**
 * Adds the counting hooks to `app` (call before the route plugins are registered, so every
 * route gets them) and serves GET /metrics.
 */
export function installMetrics(app: FastifyInstance, opts: MetricsOptions): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'dproof_' });

  const requests = new Counter({
    name: 'dproof_http_requests_total',
    help: 'HTTP answers by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'dproof_http_request_duration_seconds',
    help: 'Time to answer, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  const errors = new Counter({
    name: 'dproof_errors_total',
    help: 'Refusals and failures by status and stable error code (store_unavailable = the database is down or full)',
    labelNames: ['status', 'code'] as const,
    registers: [register],
  });
  const issued = new Counter({
    name: 'dproof_credentials_issued_total',
    help: 'Credentials issued, by channel (api, openid4vci) and credential type or configuration',
    labelNames: ['channel', 'type'] as const,
    registers: [register],
  });
  const verifications = new Counter({
    name: 'dproof_verifications_total',
    help: 'Presentations verified, by channel (counter, openid4vp) and verdict',
    labelNames: ['channel', 'verdict'] as const,
    registers: [register],
  });
  const statusChanges = new Counter({
    name: 'dproof_status_changes_total',
    help: 'Credential status changes by action (suspend, reinstate, revoke)',
    labelNames: ['action'] as const,
    registers: [register],
  });
  const walletEvents = new Counter({
    name: 'dproof_wallet_notifications_total',
    help: 'Notifications from wallets about issued credentials (OpenID4VCI §11), by event',
    labelNames: ['event'] as const,
    registers: [register],
  });
  for (const g of opts.gauges ?? []) {
    new Gauge({
      name: g.name,
      help: g.help,
      registers: [register],
      collect() {
        this.set(g.read());
      },
    });
  }

  // Objects a route returns are read before serialization (parsing the JSON text back cost ~1% of
  // a verification); bodies that arrive as text (some error answers) are read in onSend.
  // Callback hooks, not async ones: these run on every request, and an async hook costs a
  // promise and a trip through the microtask queue each (issue 22).
  const noteOutcome = (request: FastifyRequest, reply: FastifyReply, payload: unknown): void => {
    if ((request as WithOutcome)[OUTCOME]) return;
    const outcome = outcomeOf(request, reply.statusCode, payload);
    if (outcome) (request as WithOutcome)[OUTCOME] = outcome;
  };
  app.addHook('preSerialization', (request, reply, payload, done) => {
    noteOutcome(request, reply, payload);
    done(null, payload);
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    noteOutcome(request, reply, payload);
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    countResponse(request, reply);
    done();
  });
  const countResponse = (request: FastifyRequest, reply: FastifyReply): void => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    requests.inc({ method: request.method, route, status: String(status) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    const o = (request as WithOutcome)[OUTCOME];
    if (!o) return;
    if (o.errorCode !== undefined) errors.inc({ status: String(status), code: o.errorCode });
    if (o.issued && o.issued.count > 0) issued.inc({ channel: o.issued.channel, type: o.issued.type }, o.issued.count);
    if (o.verified) verifications.inc(o.verified);
    if (o.statusChange) statusChanges.inc({ action: o.statusChange });
    if (o.walletEvent) walletEvents.inc({ event: o.walletEvent });
  };

  const expected = opts.token === undefined ? undefined : sha256(`Bearer ${opts.token}`);
  app.get(
    METRICS_PATH,
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text format 0.0.4); Bearer METRICS_TOKEN when configured',
        response: { 200: { type: 'string', description: 'text/plain; version=0.0.4' }, 401: { $ref: 'Problem#' } },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (expected) {
        const given = request.headers.authorization;
        // Hash both sides so the comparison is constant-time whatever the lengths.
        if (typeof given !== 'string' || !timingSafeEqual(sha256(given), expected)) {
          reply.header('www-authenticate', 'Bearer realm="metrics"');
          return sendError(
            request,
            reply,
            problem(401, 'invalid_metrics_token', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>'),
          );
        }
      }
      reply.header('cache-control', 'no-store').type(register.contentType);
      return reply.send(await register.metrics());
    },
  );
  return register;
}
