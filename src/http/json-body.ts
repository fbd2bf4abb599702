import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { badRequest } from '../errors.js';
import { exceedsJsonDepth, MAX_BODY_DEPTH } from './json-depth.js';

/**
 * Our own JSON body parser: Fastify's default folds every failure into one "invalid JSON"
 * error, but a prototype-pollution attempt deserves its own code (SECURITY.md, HTTP). Parsing
 * is still secure-json-parse; only the error mapping is ours. text/plain is not accepted at all.
 * The body's size is bounded per route (`bodyLimit`) before this runs, and its depth here,
 * before anything is parsed (json-depth.ts), so no request is parsed deeper or longer than that.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(badRequest('empty_body', 'the JSON body is empty'), undefined);
    if (exceedsJsonDepth(text)) return done(badRequest('json_too_deep', `the body nests arrays or objects more than ${MAX_BODY_DEPTH} deep`), undefined);
    try {
      done(null, sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      const proto = e instanceof SyntaxError && /prototype/i.test(e.message);
      done(
        proto
          ? badRequest('forbidden_json_key', 'the body contains a forbidden key (__proto__ or constructor.prototype)')
          : badRequest('malformed_json', 'the body is not valid JSON'),
        undefined,
      );
    }
  });
}
