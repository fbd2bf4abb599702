import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('catalogue routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({});
  });
  afterAll(() => t.close());

  it('lists every credential type with its schema and example', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/v1/credential-types' });
    assert.equal(r.statusCode, 200);
    const types = r.json() as { id: string; vct: string; name: { ko: string }; claims_schema: { properties: object }; example: object }[];
    assert.equal(types.length, t.runtime.catalog.types.length);
    const dl = types.find((x) => x.id === 'driver-license');
    assert.ok(dl);
    assert.equal(dl.name.ko, '모바일 운전면허증');
    assert.ok('driving_privileges' in dl.claims_schema.properties);
    assert.ok('document_number' in dl.example);
  });

  it('serves SD-JWT VC type metadata at each vct URL and 404 elsewhere', async () => {
    for (const type of t.runtime.catalog.types) {
      const r = await t.app.inject({ method: 'GET', url: type.vctPath });
      assert.equal(r.statusCode, 200, type.vctPath);
      const m = r.json() as { vct: string; display: { locale: string }[]; claims: unknown[] };
      assert.equal(m.vct, type.vct);
      assert.ok(m.display.some((d) => d.locale === 'ko-KR'));
      assert.ok(m.claims.length > 0);
    }
    const missing = await t.app.inject({ method: 'GET', url: '/vct/nothing/v1' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'unknown_vct');
  });
});
