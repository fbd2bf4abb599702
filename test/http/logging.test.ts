import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { logSink } from '../helpers/log-sink.js';
import { startTestApp } from '../helpers/test-app.js';

describe('request logs', () => {
  it('carry no API key, bearer token or query-string secret', async () => {
    const sink = logSink();
    const t = await startTestApp({ logDestination: sink.stream });
    try {
      const admin = await t.apiKey('admin');
      const secretQuery = 'pre-authorized_code=SECRET-CODE-123&access_token=TOKEN-XYZ';
      await t.app.inject({ method: 'GET', url: `/v1/admin/clients?${secretQuery}`, headers: { authorization: `Bearer ${admin}` } });
      await t.app.inject({
        method: 'GET',
        url: '/v1/admin/keys',
        headers: { authorization: 'Bearer dproof_c0000000000000000_not-a-real-key-but-a-secret-anyway-000000' },
      });
      await t.app.inject({
        method: 'POST',
        url: '/v1/admin/clients',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'HONG GILDONG 홍길동', role: 'issuer' }),
      });
      assert.ok(sink.text().includes('"path":"/v1/admin/clients"'), 'request lines are logged');
      for (const secret of [
        admin,
        admin.slice('dproof_c0123456789abcdef_'.length),
        'SECRET-CODE-123',
        'TOKEN-XYZ',
        'not-a-real-key',
        '홍길동',
      ]) {
        assert.ok(!sink.text().includes(secret), `log must not contain ${secret}`);
      }
    } finally {
      await t.close();
    }
  });
});
