import type { FastifyContextConfig, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import { isStoreUnavailable } from '../store/classify-store-error.js';
import { problem, sendError, type Problem } from './problem.js';
import { mediaTypeAdvice } from './media-type-advice.js';
import { installRawRefusals } from './raw-refusals.js';
import { installRouteTable, routeTableOf, type RouteTable } from './route-table.js';
import { inRouteShape } from './route-shape.js';
import { staticRefusal } from './static-mounts.js';
import { fieldError, FIELD_MESSAGES, schemaErrorKo, type FieldError } from '../verdict/field-messages.js';

interface AjvError {
  instancePath?: string;
  schemaPath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Shared API schemas (by `$id`) whose failures have a code of their own instead of the generic
 * `invalid_request`, and a readable message for their `pattern` (ajv would quote the regex).
 */
const CODED_SCHEMAS: Record<string, { code: ErrorCode; detail: string; pattern: { en: string; ko: string } }> = {
  Purpose: {
    code: 'invalid_purpose',
    detail:
      'purpose must be { "ko": up to 100 characters, "en": up to 200 } with no other members and no control, format or bidirectional characters',
    pattern: FIELD_MESSAGES.unsafeTextOrSeparator,
  },
};

/** The coded schema every error falls in (ajv's schemaPath starts `<$id>#` inside a `$ref`'d schema), if one. */
function codedSchemaOf(errors: AjvError[]): (typeof CODED_SCHEMAS)[string] | undefined {
  const ids = new Set(errors.map((e) => /^([A-Za-z]+)#/.exec(e.schemaPath ?? '')?.[1]));
  const [id] = ids;
  return ids.size === 1 && id !== undefined && Object.hasOwn(CODED_SCHEMAS, id) ? CODED_SCHEMAS[id] : undefined;
}

/** Schema errors → JSON pointers into the request, so a caller can find the bad field; a sentence in each language. */
function validationErrors(errors: AjvError[], patternMessage?: { en: string; ko: string }): FieldError[] {
  return errors.map((e) => {
    let pointer = e.instancePath ?? '';
    if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') pointer += `/${e.params.missingProperty}`;
    if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string')
      pointer += `/${e.params.additionalProperty}`;
    if (e.keyword === 'pattern' && patternMessage) return fieldError(pointer, patternMessage.en, patternMessage.ko);
    return fieldError(pointer, e.message ?? 'is not valid', schemaErrorKo(e));
  });
}

/** Fastify's own 4xx errors, each with a stable code of ours. */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; detail: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', detail: 'send the body as application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', detail: 'the request body is larger than this service accepts' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', detail: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'empty_body', detail: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', detail: 'the body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', detail: 'the request URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', detail: 'a path parameter is longer than this service accepts' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', detail: 'the request could not be routed' },
};

export function toProblem(err: unknown): Problem {
  if (isAppError(err)) {
    const p = problem(
      err.status,
      err.code,
      err.expose ? err.message : 'the service could not complete the request',
      err.expose ? err.details : undefined,
    );
    return err instanceof AppError && err.expose && err.ko !== undefined ? { ...p, ko: err.ko } : p;
  }
  const fe = err as FastifyError & { validation?: AjvError[] };
  if (fe && Array.isArray(fe.validation)) {
    const coded = codedSchemaOf(fe.validation);
    if (coded) return problem(400, coded.code, coded.detail, { errors: validationErrors(fe.validation, coded.pattern) });
    return problem(400, 'invalid_request', `the request does not match its schema: ${fe.message}`, {
      errors: validationErrors(fe.validation),
    });
  }
  const known = fe && typeof fe.code === 'string' ? FASTIFY_CODES[fe.code] : undefined;
  if (known) return problem(known.status, known.code, known.detail);
  if (isStoreUnavailable(err)) return problem(503, 'store_unavailable', 'the data store is not reachable right now; try again shortly');
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) return problem(status, 'bad_request', 'the request was not understood');
  return problem(500, 'internal_error', 'the service could not complete the request');
}

/**
 * What the route's config adds to a problem: its OAuth code where the route answers in OAuth's
 * shape (route-shape.ts), and on a Bearer-protected endpoint a `WWW-Authenticate` challenge for
 * its authorization failures (RFC 6750 §3). The OAuth body shape itself is written by `sendError`.
 */
function forRoute(p: Problem, config: FastifyContextConfig, reply: FastifyReply): Problem {
  const out = inRouteShape(p, config);
  if (
    config.bearerChallenge &&
    !reply.hasHeader('www-authenticate') &&
    (out.code === 'invalid_token' || out.code === 'insufficient_scope' || out.code === 'invalid_request')
  ) {
    reply.header('www-authenticate', `Bearer error="${out.code}"`);
  }
  return out;
}

/**
 * Errors Fastify raises while routing, before any route or error handler runs (a malformed
 * percent-encoding, a path parameter over `maxParamLength`, a failed constraint). Without this
 * (the `frameworkErrors` option of app.ts), Fastify answers them in its own JSON shape with its
 * own `FST_ERR_*` code and the request path echoed back; SECURITY.md "HTTP" wants every
 * refusal as problem+json with a stable code of ours. The router chose no route, so the request
 * has no route config; when its path names one of ours (route-table.ts: `/openid4vp/requests/%ff`
 * names `/openid4vp/requests/:id`), it is answered as that route answers, so an OpenID4VCI /
 * OpenID4VP / OAuth endpoint keeps its OAuth shape (`invalid_request`, the status kept).
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // The router chose no route, so the request has no config of its own: the named route's stands in.
  const config = routeTableOf(request.server)?.routeAt(request.method, pathOf(request))?.config ?? request.routeOptions.config;
  const p = forRoute(toProblem(err), config, reply);
  request.log.info({ code: p.code, status: p.status, ...(p.ownCode && { problem: p.ownCode }) }, 'request refused');
  return sendError(request, reply, p, config);
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '/';

/** The answer for a method and path no route takes: 405 with Allow where the path takes other methods, else 404. */
function unroutable(routes: RouteTable, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = pathOf(request);
  const allowed = routes.allowedMethods(path);
  // A route that takes this method and still found nothing (a missing file under the /web/
  // wildcard calls the not-found handler) is 404: "GET is not allowed here; use GET" helps no one.
  if (allowed.length > 0 && !allowed.some((m) => m === request.method)) {
    reply.header('allow', allowed.join(', '));
    return sendError(
      request,
      reply,
      problem(405, 'method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(', ')}`),
    );
  }
  return sendError(request, reply, problem(404, 'not_found', `there is nothing at ${path}`));
}

/** One error handler for the whole app, and 404 / 405 answers in the same shape. */
export function installErrorHandling(app: FastifyInstance, routeUrl: (url: string) => string): void {
  // Every route pattern, to tell "no such path" (404) from "no such method on this path" (405 with
  // Allow), and which route a routing error's path names (frameworkErrorHandler).
  const routes = installRouteTable(app, routeUrl);
  // CONNECT and an Expect but 100-continue, which Node answers before any route (raw-refusals.ts).
  installRawRefusals(app, routes, routeUrl);

  // A method and path no route takes is answered before its body is read: Fastify's not-found
  // route parses a body like any route (POST /nonexistent with a JSON type and `garbage` was
  // 400 malformed_json, with no Content-Type 415), but an unknown path's body is no one's to
  // judge. The first preParsing hook, so no other runs for it (the NUL guard's preValidation
  // neither); the unread body is bounded like any early answer's (linger-after-refusal.ts).
  app.addHook('preParsing', (request, reply, _payload, done) => {
    if (request.is404) {
      unroutable(routes, request, reply);
      return;
    }
    done();
  });

  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // The client went away while its body was read (it closed the socket, or REQUEST_TIMEOUT_MS
    // cut a body that never finished): no one is left to answer, and it is no fault of ours. One
    // line at info, no stack: a slow-body flood must not fill the error log.
    // Only a body still arriving on a socket that is gone: a handler's own ECONNRESET (a database
    // or identity provider connection reset) is a store or upstream fault and is answered (503).
    // (`request.raw.destroyed` says nothing here: a request stream is destroyed once read.)
    if (
      (err as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET' &&
      !request.raw.complete &&
      request.raw.socket?.destroyed !== false
    ) {
      request.log.info({ abandoned: true }, 'request abandoned by the client');
      return reply.hijack();
    }
    // A bare 403 of @fastify/static or `send` under a static mount (/web/, /docs/static/): a path of
    // a forbidden shape is path_forbidden, any other (a name too long to exist) a missing file.
    const fromStatic = staticRefusal(err, request);
    if (fromStatic === 'missing') return unroutable(routes, request, reply);
    const refused = toProblem(fromStatic ?? err);
    // onRequest refusals come before the hook above: on an unknown path, one about the body (its
    // content coding or charset) gives way to the 404 / 405 too. A Host that is missing or not a
    // host names no resource to be missing, and keeps its 400; a 5xx stays a 5xx.
    if (request.is404 && refused.code !== 'bad_host' && refused.status < 500) return unroutable(routes, request, reply);
    // Headers the refusal itself names (RFC 9449 §7.1 DPoP challenge, §8 DPoP-Nonce) go first;
    // the route's Bearer challenge below does not replace a challenge already set.
    if (err instanceof AppError && err.headers) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    let p = forRoute(refused, request.routeOptions.config, reply);
    // Fastify's "no parser for this media type" says what this route takes (media-type-advice.ts).
    if ((err as FastifyError | undefined)?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const advice = mediaTypeAdvice(request.routeOptions.schema);
      p = { ...p, detail: advice.en, ko: advice.ko };
    }
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    // Our own code too where the OAuth shape answered a registered one (a body too large, say).
    else request.log.info({ code: p.code, status: p.status, ...(p.ownCode && { problem: p.ownCode }) }, 'request refused');
    if (p.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '5');
    return sendError(request, reply, p);
  });

  // Reached through reply.callNotFound() (a missing file under a static mount); unknown paths are answered above.
  app.setNotFoundHandler((request, reply) => unroutable(routes, request, reply));
}
