/**
 * A request whose body never finishes (a slowloris client: complete headers, then a short body or a
 * half chunk, then silence) is answered 408 `request_timeout` and its connection closed once
 * REQUEST_TIMEOUT_MS has passed; it no longer holds a socket for ever (Fastify's default
 * requestTimeout is 0). The deadline is Node's own, so this test waits for real time: the smallest
 * timeout the configuration allows (1 s), the three cases at once, and no deadline of its own
 * beyond the test's timeout.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { rawExchange } from '../helpers/raw-http.js';

describe('a request that never finishes arriving', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { REQUEST_TIMEOUT_MS: '1000', RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(() => t.close());

  const cases: [string, string][] = [
    [
      'a form shorter than its Content-Length at the token endpoint',
      'POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\ngrant_type=',
    ],
    [
      'a half chunk at the nonce endpoint',
      'POST /openid4vci/nonce HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab',
    ],
    ['headers that never end', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1'],
  ];

  for (const [what, bytes] of cases) {
    it.concurrent(`answers ${what} with 408 request_timeout and closes the connection`, async () => {
      // Our side stays open: the server must end the exchange.
      const raw = await rawExchange(t.url, bytes);
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 408 /, raw.slice(0, 200));
      assert.match(head, /content-type: application\/problem\+json/i);
      assert.equal((JSON.parse(body) as { code: string }).code, 'request_timeout');
    });
  }

  it('still answers a request that arrives in time on the same server', async () => {
    const res = await fetch(`${t.url}/healthz`);
    assert.equal(res.status, 200);
  });
});
