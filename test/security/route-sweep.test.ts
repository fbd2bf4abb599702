/**
 * Issue 14, class 5: deep, wide, long and malformed input on EVERY route of the OpenAPI document
 * the app generates gets a 4xx in our error shapes: never a 5xx (a 10,000-deep `dcql_query` or
 * `purpose` used to overflow the stack), never a hang. Callers are authenticated where the route
 * wants it, so the hostile input reaches the parser and the route, not only the key check.
 * On both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { fillPath as fill, operationCaller, type Operation, type OperationCaller } from '../helpers/openapi-operations.js';

const nestedArrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const nestedObjects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
/** 100,000 members in about 900 kB (under BODY_LIMIT, over the small limit). */
const wide = () => `{${Array.from({ length: 100_000 }, (_, i) => `"${i.toString(36)}":0`).join(',')}}`;
// Names every route's body schema knows, so the deep value lands where a route looks.
const MEMBERS = ['dcql_query', 'purpose', 'claims', 'policy', 'proofs', 'presentation', 'name', 'reason', 'types', 'alg'];
const deepMembers = (value: string) => `{${MEMBERS.map((m) => `"${m}":${value}`).join(',')}}`;

const json = 'application/json';
const form = 'application/x-www-form-urlencoded';
const BODIES: { name: string; type: string; payload: () => string }[] = [
  { name: 'a body of 10,000 nested arrays', type: json, payload: () => nestedArrays(10_000) },
  { name: 'members nested 10,000 deep (objects)', type: json, payload: () => deepMembers(nestedObjects(10_000)) },
  { name: 'members nested 10,000 deep (arrays)', type: json, payload: () => deepMembers(nestedArrays(10_000)) },
  { name: 'an object of 100,000 members', type: json, payload: wide },
  { name: 'string members of 1 MB', type: json, payload: () => `{"purpose":"${'x'.repeat(1_000_000)}"}` },
  { name: 'a 2 MB body', type: json, payload: () => `{"purpose":"${'x'.repeat(2_000_000)}"}` },
  { name: 'malformed JSON', type: json, payload: () => '{"dcql_query":' },
  {
    name: 'a form whose fields carry 10,000-deep JSON',
    type: form,
    payload: () =>
      `vp_token=${encodeURIComponent(nestedArrays(10_000))}&state=AAAAAAAAAAAAAAAAAAAAAA&presentation_submission=${encodeURIComponent(nestedObjects(10_000))}`,
  },
  { name: 'a form of 100,000 fields', type: form, payload: () => Array.from({ length: 100_000 }, (_, i) => `f${i}=1`).join('&') },
];
const PARAMS: { name: string; value: string }[] = [
  { name: 'a 300-character parameter', value: 'a'.repeat(300) },
  { name: 'a malformed percent-encoding', value: '%E0%A4%A' },
  { name: 'a path traversal', value: '..%2F..%2Fetc%2Fpasswd' },
  { name: 'a NUL byte and a right-to-left mark', value: '%00%E2%80%AE' },
  { name: 'nested brackets', value: encodeURIComponent(nestedArrays(50)) },
];
const QUERIES = [
  `limit=${'9'.repeat(5000)}`,
  'limit=1&limit=2',
  `type=${encodeURIComponent(nestedArrays(5000))}`,
  'before=%E0%A4%A',
  'a[b][c][d]=1&__proto__[x]=1',
];

/** 4xx in one of our two error shapes, with a stable code. */
function assertRefused(res: LightMyRequestResponse, what: string): void {
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  const body = res.json<{ code?: string; error?: string }>();
  assert.match(body.code ?? body.error ?? '', /^[a-z_]+$/, `${what}: no error code in ${res.body.slice(0, 200)}`);
}

for (const backend of storeTargets()) {
  describe(`every route refuses hostile input with a 4xx on ${backend}`, { timeout: 120_000 }, () => {
    let t: TestApp;
    let operations: Operation[];
    let send: OperationCaller['send'];
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
      });
      ({ operations, send } = await operationCaller(t));
    });
    afterAll(() => t.close());

    it('covers the routes of the OpenAPI document', () => {
      assert.ok(operations.length >= 35, `only ${operations.length} operations`);
      assert.ok(operations.some((o) => o.path === '/v1/verifier/requests' && o.method === 'POST'));
    });

    it('refuses every hostile body on every POST route', async () => {
      let sent = 0;
      for (const op of operations.filter((o) => o.method === 'POST')) {
        for (const b of BODIES) {
          const payload = b.payload();
          const started = performance.now();
          const res = await send(op, { payload, headers: { 'content-type': b.type } });
          assertRefused(res, `${op.method} ${op.path} with ${b.name}`);
          assert.ok(
            performance.now() - started < 5000,
            `${op.method} ${op.path} with ${b.name} took ${Math.round(performance.now() - started)} ms`,
          );
          sent++;
        }
      }
      assert.ok(sent >= 15 * BODIES.length);
    });

    it('refuses malformed path parameters on every route that has one', async () => {
      for (const op of operations.filter((o) => o.path.includes('{'))) {
        for (const p of PARAMS) {
          const res = await send(op, {
            url: fill(op.path, p.value),
            ...(op.hasBody && { payload: '{}', headers: { 'content-type': json } }),
          });
          assertRefused(res, `${op.method} ${op.path} with ${p.name}`);
        }
      }
    });

    it('answers hostile query strings on every route with a 4xx, or ignores them (never a 5xx)', async () => {
      for (const op of operations) {
        for (const q of QUERIES) {
          const res = await send(op, {
            url: `${fill(op.path, 'x0000000000000000')}?${q}`,
            ...(op.method === 'POST' && { payload: '{}', headers: { 'content-type': json } }),
          });
          assert.ok(res.statusCode < 500, `${op.method} ${op.path}?${q.slice(0, 40)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          if (res.statusCode >= 400) assertRefused(res, `${op.method} ${op.path}?${q.slice(0, 40)}`);
        }
      }
      // The routes that declare their query refuse what they do not know.
      const listed = operations.find((o) => o.method === 'GET' && o.path === '/v1/credentials')!;
      for (const q of QUERIES) assertRefused(await send(listed, { url: `/v1/credentials?${q}` }), `GET /v1/credentials?${q.slice(0, 40)}`);
    });

    it('still serves after the sweep', async () => {
      assert.equal((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    });
  });
}
