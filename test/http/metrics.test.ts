import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** The value of one series in a Prometheus text exposition, or 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inner = line.slice(name.length + 1, line.indexOf('}'));
    const have = inner.split(',');
    if (want.every((w) => have.includes(w))) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return 0;
}

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({});
  });
  afterAll(() => t.close());

  it('counts requests by route pattern, issuance by type, errors by code and status changes', async () => {
    const key = await t.apiKey('issuer');
    const type = t.runtime.catalog.get('civil-servant-id');
    assert.ok(type);
    const issued = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${key}` },
      payload: { type: type.id, claims: type.example },
    });
    assert.equal(issued.statusCode, 201);
    const id = (issued.json() as { id: string }).id;
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/v1/credentials/${id}/revoke`,
      headers: { authorization: `Bearer ${key}` },
      payload: { reason: 'test' },
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await t.app.inject({ method: 'POST', url: '/v1/credentials', payload: {} })).statusCode, 401);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/v1/credentials/${id}`, headers: { authorization: 'Bearer nope' } })).statusCode,
      401,
    );

    const r = await t.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = r.body;
    assert.equal(sample(text, 'dproof_http_requests_total', { method: 'POST', route: '/v1/credentials', status: '201' }), 1);
    // Route patterns, never paths: no credential id in any label.
    assert.equal(sample(text, 'dproof_http_requests_total', { method: 'POST', route: '/v1/credentials/:id/revoke', status: '200' }), 1);
    assert.ok(!text.includes(id));
    assert.equal(sample(text, 'dproof_credentials_issued_total', { channel: 'api', type: 'civil-servant-id' }), 1);
    assert.equal(sample(text, 'dproof_status_changes_total', { action: 'revoke' }), 1);
    assert.equal(sample(text, 'dproof_errors_total', { status: '401', code: 'missing_api_key' }), 1);
    assert.ok(
      sample(text, 'dproof_errors_total', { status: '401', code: 'invalid_api_key' }) +
        sample(text, 'dproof_errors_total', { status: '401', code: 'malformed_authorization' }) ===
        1,
    );
    assert.match(text, /^dproof_rate_limit_store_up 1$/m);
    assert.match(text, /^dproof_process_resident_memory_bytes \d+/m);
  });

  it('counts verifications by verdict', async () => {
    const key = await t.apiKey('verifier');
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/verifier/verify',
      headers: { authorization: `Bearer ${key}` },
      payload: { presentation: 'not.a~presentation~' },
    });
    assert.ok(r.statusCode === 200 || r.statusCode === 400, `${r.statusCode} ${r.body}`);
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    if (r.statusCode === 200) {
      assert.equal(
        sample(text, 'dproof_verifications_total', { channel: 'counter', verdict: (r.json() as { verdict: string }).verdict }),
        1,
      );
    } else {
      assert.equal(sample(text, 'dproof_errors_total', { status: '400', code: (r.json() as { code: string }).code }), 1);
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  const token = 'metrics-token-for-tests-only';
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t.close());

  it('answers 401 without the token and the metrics with it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${token}`, `Bearer ${token}x`]) {
      const r = await t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json().code, 'invalid_metrics_token');
      assert.ok(!r.body.includes('dproof_http_requests_total'));
    }
    const ok = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /dproof_errors_total\{status="401",code="invalid_metrics_token"\} 4/);
  });
});
