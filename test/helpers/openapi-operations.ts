/**
 * Every operation of the OpenAPI document the app generates, and a caller that reaches each one
 * authenticated as its route wants (an API key of the right role, a real access token at the
 * credential endpoint), so a test's input reaches the route's parser and code, not only the key
 * check. For sweeps over every route (test/security/route-sweep.test.ts,
 * test/http/route-level-refusals.test.ts).
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';
import { accessToken, makeOffer } from '../openid4vci/vci-helpers.js';

export interface Operation {
  method: string;
  /** As the document writes it, with `{name}` parameters. */
  path: string;
  secured: boolean;
  hasBody: boolean;
  /** The media types of its requestBody; empty when it takes none. */
  consumes: string[];
}

/** `path` with every `{parameter}` replaced by `value`. */
export const fillPath = (path: string, value: string): string => path.replace(/\{[^}]+\}/g, value);

export interface OperationCaller {
  operations: Operation[];
  /** Authorization for each role the routes want (`Bearer …`): issuer, verifier, admin, and an access token. */
  auth: Record<'issuer' | 'verifier' | 'admin' | 'token', string>;
  /** Injects a request to `op` (parameters filled with a plausible id), authenticated as it wants; `extra` overrides. */
  send(op: Operation, extra?: Partial<InjectOptions>): Promise<LightMyRequestResponse>;
}

export async function operationCaller(t: TestApp): Promise<OperationCaller> {
  const key = async (role: 'issuer' | 'verifier' | 'admin') => `Bearer ${await t.apiKey(role)}`;
  const issuer = await key('issuer');
  const auth = {
    issuer,
    verifier: await key('verifier'),
    admin: await key('admin'),
    // A real access token, so the credential endpoint reads the body it is sent.
    token: `Bearer ${await accessToken(t, await makeOffer(t, issuer.slice(7), { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')?.example }))}`,
  };
  const doc = t.app.swagger() as {
    paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content?: Record<string, unknown> } }>>;
  };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      secured: Boolean(op.security?.length),
      hasBody: Boolean(op.requestBody),
      consumes: Object.keys(op.requestBody?.content ?? {}),
    })),
  );
  const authorizationFor = (op: Operation): string | undefined => {
    if (op.path === '/openid4vci/credential') return auth.token;
    if (!op.secured) return undefined;
    if (op.path.startsWith('/v1/admin')) return auth.admin;
    if (op.path.startsWith('/v1/verifier')) return auth.verifier;
    return auth.issuer;
  };
  const send = (op: Operation, extra: Partial<InjectOptions> = {}) => {
    const authorization = authorizationFor(op);
    return t.app.inject({
      method: op.method as InjectOptions['method'],
      url: fillPath(op.path, 'x0000000000000000'),
      ...extra,
      headers: { ...(authorization && { authorization }), ...extra.headers },
    });
  };
  return { operations, auth, send };
}
