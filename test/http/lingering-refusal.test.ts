/**
 * An answer sent before the body was read (413 over the route's limit, 401 before the body)
 * reaches a client that is still writing: the server reads the rest into nothing instead of
 * resetting the connection, up to LINGER_MAX_BYTES, then cuts (src/http/linger-after-refusal.ts).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { LINGER_MAX_BYTES } from '../../src/http/linger-after-refusal.js';

interface RawExchange {
  /** Every byte the server sent, as latin1. */
  received: string;
  /** The socket error, if the server cut the connection while we wrote. */
  error?: string;
}

/** One POST with a body of `bodyBytes` (declared and sent; `body`, or x's), then a GET /healthz on the same connection. */
function postThenHealthz(url: string, path: string, headers: string, bodyBytes: number, body?: string): Promise<RawExchange> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname);
    const out: RawExchange = { received: '' };
    s.on('data', (d) => (out.received += d.toString('latin1')));
    s.on('error', (e) => (out.error = (e as NodeJS.ErrnoException).code));
    s.on('close', () => resolve(out));
    s.write(`POST ${path} HTTP/1.1\r\nhost: t\r\n${headers}content-length: ${bodyBytes}\r\n\r\n`);
    const chunk = body === undefined ? Buffer.alloc(1_000_000, 0x78) : Buffer.from(body);
    let sent = 0;
    const pump = () => {
      while (sent < bodyBytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
        sent += part.length;
        if (!s.write(part)) return void s.once('drain', pump);
      }
      s.write('GET /healthz HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n');
    };
    pump();
  });
}

/** The status line of each answer (a body is not followed by CRLF, so the next one may start mid-line). */
const statusLines = (r: RawExchange) => [...r.received.matchAll(/HTTP\/1\.1 \d{3} [^\r]*/g)].map((m) => m[0]);

describe('answers sent before the body was read', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      listen: true,
      env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
    });
  });
  afterAll(() => t.close());

  const form = 'content-type: application/x-www-form-urlencoded\r\n';
  const json = 'content-type: application/json\r\n';

  it('a body over the route limit gets its 413 problem, then the connection serves the next request', async () => {
    const r = await postThenHealthz(t.url, '/oauth/token', form, 4_000_000);
    assert.equal(r.error, undefined);
    assert.deepEqual(statusLines(r), ['HTTP/1.1 413 Payload Too Large', 'HTTP/1.1 200 OK']);
    assert.match(r.received, /"error":"invalid_request","error_description":"the request body is larger than this service accepts"/);
  });

  it('a body read whole and refused (json_too_deep) gets its 400, then the connection serves the next request', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    const r = await postThenHealthz(t.url, '/openid4vci/nonce', json, deep.length, deep);
    assert.equal(r.error, undefined);
    assert.deepEqual(statusLines(r), ['HTTP/1.1 400 Bad Request', 'HTTP/1.1 200 OK']);
    // The nonce endpoint answers in the OAuth shape: the registered code, our reason in the description.
    assert.match(r.received, /"error":"invalid_request","error_description":"the body nests arrays or objects more than \d+ deep"/);
  });

  it('a 401 before the body is read reaches the client, and the connection serves the next request', async () => {
    const r = await postThenHealthz(t.url, '/openid4vci/credential', json, 3_000_000);
    assert.equal(r.error, undefined);
    assert.deepEqual(statusLines(r), ['HTTP/1.1 401 Unauthorized', 'HTTP/1.1 200 OK']);
  });

  for (const [name, path, headers] of [
    ['over the limit', '/oauth/token', form],
    ['after a 401', '/openid4vci/credential', json],
  ] as const) {
    it(`stops reading ${name} after LINGER_MAX_BYTES: the answer arrives, the rest is cut`, async () => {
      const r = await postThenHealthz(t.url, path, headers, LINGER_MAX_BYTES * 5);
      assert.equal(statusLines(r).length, 1, r.received.slice(0, 300));
      assert.match(statusLines(r)[0]!, /^HTTP\/1\.1 4\d\d /);
      assert.ok(r.error === 'ECONNRESET' || r.error === 'EPIPE', `cut, not read to the end: ${String(r.error)}`);
    });
  }

  it('fetch sees the 413 every time (no EPIPE/ECONNRESET), the class the bench hit', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${t.url}/openid4vci/nonce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(3_000_000),
      });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as { error?: string; code?: string }).error ?? '', 'invalid_request');
    }
  });
});
