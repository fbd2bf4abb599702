/**
 * Issue 14 §9: paging is not an existence oracle. `GET /v1/credentials?before=<id>` answers an
 * id issued by another client exactly as an id that does not exist (400 invalid_cursor, the
 * same body), on both stores; the issuer's own ids and an admin's cursor still page.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { SecurityCase, SecurityFixture } from './support/index.js';
import { runSecurityCases } from './support/run-cases.js';

const page = (key: string, before: string) => ({
  method: 'GET' as const,
  url: `/v1/credentials?limit=5&before=${encodeURIComponent(before)}`,
  headers: { authorization: `Bearer ${key}` },
});

/** A second issuer client, which issued nothing: the fixture's credential is another issuer's to it. */
const otherIssuers = new WeakMap<SecurityFixture, Promise<string>>();
const otherIssuer = (f: SecurityFixture): Promise<string> => {
  let k = otherIssuers.get(f);
  if (!k) otherIssuers.set(f, (k = f.t.apiKey('issuer')));
  return k;
};

const cases: SecurityCase[] = [
  {
    name: 'refuses an unknown id as the cursor',
    request: async (f) => page(await otherIssuer(f), randomUUID()),
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: "refuses another issuer's credential id as the cursor, like an unknown one",
    request: async (f) => page(await otherIssuer(f), f.credentialId),
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: 'refuses a cursor that is not an id at all',
    request: async (f) => page(await otherIssuer(f), "x' OR 1=1 --"),
    status: 400,
    code: 'invalid_cursor',
  },
];

runSecurityCases('paging', cases, {
  extra: (fixture) => {
    it("answers another issuer's id and an unknown id with the same body", async () => {
      const f = fixture();
      const key = await otherIssuer(f);
      const foreign = await f.t.app.inject(page(key, f.credentialId));
      const unknown = await f.t.app.inject(page(key, randomUUID()));
      assert.equal(foreign.statusCode, unknown.statusCode);
      assert.deepEqual(foreign.json(), unknown.json());
    });

    it('still pages from an own id, and from any id for an admin', async () => {
      const f = fixture();
      for (const key of [f.keys.issuer, f.keys.admin]) {
        const res = await f.t.app.inject(page(key, f.credentialId));
        assert.equal(res.statusCode, 200, res.body);
        assert.ok(Array.isArray(res.json<{ items: unknown[] }>().items));
      }
    });
  },
});
