import { isUtf8 } from 'node:buffer';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { badRequest } from '../errors.js';
import { jsonBoundFault, MAX_ARRAY_ITEMS, MAX_BODY_DEPTH, MAX_OBJECT_MEMBERS } from './json-bounds.js';
import { escapesLoneSurrogate } from '../formats/jose/json-values.js';

const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/;
/**
 * Our own JSON body parser: Fastify's default folds every failure into one "invalid JSON"
 * error, but a prototype-pollution attempt deserves its own code (SECURITY.md, HTTP). Parsing
 * is still secure-json-parse; only the error mapping is ours. text/plain is not accepted at all.
 * The body's size is bounded per route (`bodyLimit`) before this runs, and its depth, width and
 * member names here, before anything is parsed (json-bounds.ts), so no request is parsed deeper or
 * longer than that. The bytes must be UTF-8 (RFC 8259 §8.1): decoding them as text would turn any
 * other byte into U+FFFD, and a claim sent in EUC-KR would be signed into a credential garbled.
 */
/**
 * A route that names its media types (`schema.consumes`: the OAuth and OpenID4VP forms) and not
 * JSON reads JSON no better than text/plain: it gets the same refusal (415, or 400 where the
 * endpoint has a code of its own; media-type-advice.ts), before the body is parsed.
 */
function refusesJson(req: FastifyRequest): boolean {
  const consumes = (req.routeOptions.schema as { consumes?: unknown } | undefined)?.consumes;
  return Array.isArray(consumes) && !consumes.includes('application/json');
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    if (refusesJson(req)) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/json'), undefined);
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(badRequest('body_not_utf8', 'the body is not valid UTF-8; send JSON text as UTF-8'), undefined);
    const text = bytes.toString('utf8');
    if (text.length === 0) return done(badRequest('empty_body', 'the JSON body is empty'), undefined);
    // An escaped U+0000 (not an escaped backslash before "u0000"): see refuse-nul.ts.
    if (text.includes('\\u0000') && NUL_ESCAPE.test(text))
      return done(badRequest('nul_character', 'a string in the body contains a NUL character (\\u0000)'), undefined);
    const fault = jsonBoundFault(text);
    if (fault === 'too_deep')
      return done(badRequest('json_too_deep', `the body nests arrays or objects more than ${MAX_BODY_DEPTH} deep`), undefined);
    if (fault === 'forbidden_name')
      return done(badRequest('forbidden_json_key', 'the body contains a forbidden key (__proto__ or constructor.prototype)'), undefined);
    if (fault === 'duplicate_name')
      return done(badRequest('json_duplicate_name', 'an object in the body names the same member twice; send each member once'), undefined);
    if (fault === 'too_wide') {
      return done(
        badRequest(
          'json_too_wide',
          `an object in the body has more than ${MAX_OBJECT_MEMBERS} members or an array more than ${MAX_ARRAY_ITEMS} items`,
        ),
        undefined,
      );
    }
    if (fault === 'unrepresentable_number')
      return done(
        badRequest(
          'json_number_unrepresentable',
          'a number in the body is too large or too small to be read as written (I-JSON, RFC 7493 §2.2)',
        ),
        undefined,
      );
    let value: unknown;
    try {
      value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (e) {
      const proto = e instanceof SyntaxError && /prototype/i.test(e.message);
      return done(
        proto
          ? badRequest('forbidden_json_key', 'the body contains a forbidden key (__proto__ or constructor.prototype)')
          : badRequest('malformed_json', 'the body is not valid JSON'),
        undefined,
      );
    }
    // An escaped lone surrogate ("\ud800") is valid JSON syntax but no character (RFC 7493 §2.1):
    // it cannot be written as UTF-8, and a strict wallet's parser refuses the object it is signed into.
    if (escapesLoneSurrogate(text, value))
      return done(
        badRequest('body_not_utf8', 'a string in the body escapes a lone surrogate (\\ud800 … \\udfff unpaired), which is no character'),
        undefined,
      );
    done(null, value);
  });
}

/** Whether the request's Content-Type is JSON (parameters such as charset allowed, `application/json-seq` not). */
export const isJsonRequest = (contentType: string | undefined): boolean => /^application\/json\s*(;|$)/i.test(contentType ?? '');
