/**
 * The form parser (application/x-www-form-urlencoded: OAuth token requests, OpenID4VP
 * direct_post), bounded in fields before it parses: a 100,000-field form builds an object that
 * takes V8 seconds, like a 100,000-member JSON object (see json-bounds.ts). The real forms have
 * at most five fields. Parsing is Node's own querystring (flat keys; a repeated key gives an array).
 * Its decoding is not: querystring turns percent-escapes that are not UTF-8 (`%FF`, EUC-KR text)
 * and raw bytes that are not (read as text before this runs) into U+FFFD without a word, so a
 * `state` or `tx_code` would travel on garbled. Those are refused (`body_not_utf8`), as in JSON
 * bodies; a `%` that starts no escape stays a `%`, as the WHATWG form parser keeps it.
 */
import { parse, unescape } from 'node:querystring';
import { errorCodes, type FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

export const MAX_FORM_FIELDS = 100;

const FORBIDDEN_FIELDS = ['__proto__', 'constructor', 'prototype'];

export function parseBoundedForm(text: string): Record<string, unknown> {
  let fields = 1;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    if (++fields > MAX_FORM_FIELDS) throw badRequest('form_too_wide', `the form has more than ${MAX_FORM_FIELDS} fields`);
  }
  const notUtf8 = () =>
    badRequest('body_not_utf8', 'the form is not valid UTF-8 (raw bytes or percent-escapes); send UTF-8, percent-encoded');
  if (text.includes('\uFFFD')) throw notUtf8();
  let garbled = false;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      // Malformed escapes are kept as they are; escapes of bytes that are not UTF-8 become U+FFFD.
      const kept = unescape(s);
      if (kept.includes('\uFFFD')) garbled = true;
      return kept;
    }
  };
  const form = parse(text, '&', '=', { maxKeys: MAX_FORM_FIELDS, decodeURIComponent: decode });
  if (garbled) throw notUtf8();
  // As in JSON bodies, paths and queries (refuse-nul.ts): a NUL, raw or as %00, reaches no handler
  // (PostgreSQL text cannot hold one, and a code or state with one is no code or state).
  if (
    text.includes('\u0000') ||
    Object.entries(form).some(([k, v]) => k.includes('\u0000') || [v].flat().some((x) => x?.includes('\u0000')))
  )
    throw badRequest('nul_character', 'a form field contains a NUL character (%00)');
  // As in JSON bodies (SECURITY.md, HTTP): no field may be named after a prototype member. The
  // parsed object has no prototype, but the fields are copied on into objects that do.
  if (FORBIDDEN_FIELDS.some((name) => Object.hasOwn(form, name)))
    throw badRequest('forbidden_json_key', 'the form has a field named __proto__, constructor or prototype');
  return form;
}

/**
 * Whether the request's Content-Type is the form media type (parameters such as charset allowed,
 * `application/x-www-form-urlencoded-foo` not): the one rule of every form-only route.
 */
export const isFormRequest = (contentType: string | undefined): boolean =>
  /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? '');

const FORM = 'application/x-www-form-urlencoded';

/**
 * The form parser is registered for the whole app (@fastify/formbody), but only the routes whose
 * schema lists the form in `consumes` read one (OAuth token and PAR, OpenID4VP direct_post and
 * request_uri POST). Elsewhere a form is refused before it is parsed, as Fastify refuses a media
 * type it has no parser for (415, or the route's own OAuth code; media-type-advice.ts says what
 * the route takes): a JSON route handed a form read its fields as a body (a clerk's
 * `presentation=…` form at /v1/verifier/verify was verified, with no policy, and the holder's QR
 * used up).
 */
export function refuseFormsWhereNotConsumed(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!isFormRequest(request.headers['content-type'])) return payload;
    const schema = request.routeOptions.schema as { body?: unknown; consumes?: unknown } | undefined;
    // A route that reads no body (the nonce endpoint, GETs) ignores one as before: many HTTP
    // clients label an empty POST as a form, and wallets send the nonce request so.
    if (schema?.body === undefined) return payload;
    if (Array.isArray(schema.consumes) && schema.consumes.includes(FORM)) return payload;
    throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']);
  });
}
