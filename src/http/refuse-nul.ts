/**
 * U+0000 in a path parameter or a query value is refused at the door (400
 * `nul_character`). PostgreSQL `text` cannot hold it (SQLSTATE 22021: the request would end in a
 * 500), SQLite can: refusing it here makes both stores answer the same, and no real value of
 * ours (ids, references, codes, tokens, names) ever contains it. JSON bodies are checked by
 * their parser (json-body.ts), before they are built. Form fields are not: the two form routes
 * hash, pattern-check or JSON-parse every field before it goes near a store, and answer in
 * their own OAuth / OpenID4VP codes.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors.js';

const hasNul = (v: unknown): boolean => (typeof v === 'string' ? v.includes('\u0000') : Array.isArray(v) ? v.some(hasNul) : false);

const anyValueHasNul = (o: unknown): boolean =>
  o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o as Record<string, unknown>).some(hasNul);

export function installNulGuard(app: FastifyInstance): void {
  // A callback hook: it runs on every request, and an async one costs a promise each (issue 22).
  app.addHook('preValidation', (request, _reply, done) => {
    if (anyValueHasNul(request.params) || anyValueHasNul(request.query)) {
      done(badRequest('nul_character', 'a path parameter or query value contains a NUL character (U+0000)'));
      return;
    }
    done();
  });
}
