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
import { errorEntry } from '../../src/errors.js';
import { logSink } from '../helpers/log-sink.js';

describe('a request that never finishes arriving', () => {
  let t: TestApp;
  const sink = logSink();
  let issuerKey = '';
  beforeAll(async () => {
    t = await startTestApp({ listen: true, logDestination: sink.stream, env: { REQUEST_TIMEOUT_MS: '1000', RATE_LIMIT_PER_MINUTE: '0' } });
    issuerKey = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  // The OAuth endpoints answer in their own shape (RFC 6749 §5.2: a registered code, the status kept).
  const cases: [string, string, 'oauth' | 'problem'][] = [
    [
      'a form shorter than its Content-Length at the token endpoint',
      'POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 50\r\n\r\ngrant_type=',
      'oauth',
    ],
    [
      'a half chunk at the nonce endpoint',
      'POST /openid4vci/nonce HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab',
      'oauth',
    ],
    [
      'a JSON body shorter than its Content-Length at an API route, in Korean',
      'POST /v1/offers HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ko-KR\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"type"',
      'problem',
    ],
    ['headers that never end', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ko\r\nX-Slow: 1', 'problem'],
  ];

  for (const [what, bytes, shape] of cases) {
    it.concurrent(`answers ${what} with 408 request_timeout and closes the connection`, async () => {
      // Our side stays open: the server must end the exchange.
      const raw = await rawExchange(t.url, bytes.replace('{KEY}', issuerKey));
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 408 /, raw.slice(0, 200));
      const answer = JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) as Record<string, unknown>;
      if (shape === 'oauth') {
        assert.match(head, /content-type: application\/json/i);
        assert.deepEqual(Object.keys(answer).sort(), ['error', 'error_description']);
        assert.equal(answer.error, 'invalid_request');
        assert.match(String(answer.error_description), /did not arrive in time/);
      } else {
        assert.match(head, /content-type: application\/problem\+json/i);
        assert.equal(answer.code, 'request_timeout');
        // Headers that had arrived say the reader's language; headers that never ended cannot.
        const korean = bytes.includes('\r\n\r\n');
        assert.equal(answer.detail === errorEntry('request_timeout').ko, korean, String(answer.detail));
        assert.equal(/content-language: ko/i.test(head), korean);
      }
    });
  }

  it('still answers a request that arrives in time on the same server', async () => {
    const res = await fetch(`${t.url}/healthz`);
    assert.equal(res.status, 200);
  });

  it('logs a cut body as abandoned by the client, at info and without a stack: a slow-body flood fills no error log', () => {
    const lines = sink
      .text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown });
    assert.deepEqual(
      lines.filter((l) => l.level >= 50).map((l) => l.msg),
      [],
    );
    assert.ok(lines.some((l) => l.msg === 'request abandoned by the client' && l.level === 30 && l.err === undefined));
  });
});
