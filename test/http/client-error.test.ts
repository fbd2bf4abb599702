/**
 * Requests Node's HTTP parser refuses before any route runs (src/http/client-error.ts): each is
 * answered in problem+json with a code of ours, not Fastify's `{"error","statusCode"}`, and the
 * connection is closed; and a Host header that is missing, repeated or not a host
 * (src/http/host-header.ts). Sent as raw bytes on a real socket: no client library would send them.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { logSink } from '../helpers/log-sink.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { rawExchange } from '../helpers/raw-http.js';
import { clientErrorHandler } from '../../src/http/client-error.js';

/** Writes `bytes`, then reads until the server closes the connection. */
const exchange = (url: string, bytes: string | Buffer): Promise<string> => rawExchange(url, bytes, { end: true });

/** The answer's status, headers (lower-cased names) and JSON body. */
function parse(raw: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

function assertRefusal(raw: string, status: number, code: string): void {
  assert.equal([...raw.matchAll(/(?:^|\r\n)HTTP\/1\.1 \d{3} /g)].length, 1, `one answer, got: ${raw}`);
  const { status: got, headers, body } = parse(raw);
  assert.equal(got, status, raw.slice(0, 300));
  assert.match(headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(headers.connection, 'close');
  assert.equal(Number(headers['content-length']), Buffer.byteLength(raw.split('\r\n\r\n')[1] ?? ''));
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(body.type, `urn:dproof:problem:${code}`);
  assert.equal(typeof body.detail, 'string');
  assert.ok(!('statusCode' in body) && !('error' in body), 'not the framework shape');
}

describe('requests refused from their framing or headers', () => {
  let t: TestApp;
  const sink = logSink();
  beforeAll(async () => {
    t = await startTestApp({ listen: true, logDestination: sink.stream, env: { LOG_LEVEL: 'info' } });
  });
  afterAll(() => t.close());

  it('headers past the size limit are 431 headers_too_large, and the header is not logged', async () => {
    const secret = `s${'e'.repeat(20_000)}cret-cookie-value`;
    const raw = await exchange(t.url, `GET /healthz HTTP/1.1\r\nhost: t\r\ncookie: ${secret}\r\n\r\n`);
    assertRefusal(raw, 431, 'headers_too_large');
    const queryRaw = await exchange(t.url, `GET /v1/credential-types?q=${'x'.repeat(20_000)} HTTP/1.1\r\nhost: t\r\n\r\n`);
    assertRefusal(queryRaw, 431, 'headers_too_large');
    assert.ok(
      sink.lines().some((l) => l.includes('"headers_too_large"')),
      'the refusal is logged',
    );
    assert.doesNotMatch(sink.text(), /cret-cookie-value|eeeeeeeeee/);
  });

  it('bytes that are not HTTP/1.1 are 400 malformed_http', async () => {
    for (const bytes of [
      'HELLO\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nhost: t\r\nbad header: x\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nhost: t\r\nx-a: a\x01b\r\n\r\n',
      // Request smuggling's first move: both framings at once (RFC 9112 §6.1).
      'POST /v1/offers HTTP/1.1\r\nhost: t\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /v1/offers HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ]) {
      assertRefusal(await exchange(t.url, bytes), 400, 'malformed_http');
    }
  });

  it("on an OAuth endpoint the same refusals answer in its OAuth shape (the endpoint's own request code, the status kept), as every other refusal there", async () => {
    for (const [bytes, status, error] of [
      [`POST /oauth/token HTTP/1.1\r\nhost: t\r\ndpop: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'invalid_request'],
      [`POST /openid4vci/credential?x=1 HTTP/1.1\r\nhost: t\r\ncookie: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'invalid_credential_request'],
      ['POST /oauth/token HTTP/1.1\r\nhost: t\r\nbad header: x\r\n\r\n', 400, 'invalid_request'],
    ] as const) {
      const { status: got, headers, body } = parse(await exchange(t.url, bytes));
      assert.equal(got, status, bytes.slice(0, 40));
      assert.match(headers['content-type'] ?? '', /^application\/json/);
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
      assert.equal(body.error, error);
    }
  });

  it('a Host header missing from HTTP/1.1, repeated or not a host is 400 bad_host (RFC 9112 §3.2)', async () => {
    for (const headers of [
      '',
      'host: a\r\nhost: b\r\n',
      'Host: a\r\nHOST: a\r\n',
      'host: evil.example/x\r\n',
      'host: a b\r\n',
      'host: a@b\r\n',
    ]) {
      const raw = await exchange(t.url, `GET /healthz HTTP/1.1\r\n${headers}connection: close\r\n\r\n`);
      const { status, headers: answer, body } = parse(raw);
      assert.equal(status, 400, `${JSON.stringify(headers)}: ${raw}`);
      assert.match(answer['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(body.code, 'bad_host', JSON.stringify(headers));
    }
    // Refused from the headers, before the API key (that would be 401) or the body is looked at.
    const offer = '{"type":"resident-id"}';
    const raw = await exchange(
      t.url,
      `POST /v1/offers HTTP/1.1\r\nhost: a\r\nhost: b\r\ncontent-type: application/json\r\ncontent-length: ${offer.length}\r\nconnection: close\r\n\r\n${offer}`,
    );
    assert.equal(parse(raw).body.code, 'bad_host');
  });

  it('a second Authorization, Proxy-Authorization or Content-Type is 400 header_repeated, whichever comes first', async () => {
    for (const headers of [
      'authorization: Bearer a\r\nauthorization: Bearer b\r\n',
      'Authorization: Bearer a\r\nAUTHORIZATION: Bearer a\r\n',
      'proxy-authorization: Basic a\r\nproxy-authorization: Basic b\r\n',
      'content-type: application/json\r\ncontent-type: text/plain\r\n',
    ]) {
      const raw = await exchange(t.url, `GET /healthz HTTP/1.1\r\nhost: a\r\n${headers}connection: close\r\n\r\n`);
      const { status, headers: answer, body } = parse(raw);
      assert.equal(status, 400, `${JSON.stringify(headers)}: ${raw}`);
      assert.match(answer['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(body.code, 'header_repeated', JSON.stringify(headers));
    }
    // One of each is served.
    const raw = await exchange(
      t.url,
      'GET /healthz HTTP/1.1\r\nhost: a\r\nauthorization: Bearer a\r\nproxy-authorization: Basic a\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n',
    );
    assert.match(raw, /^HTTP\/1\.1 200 /, raw);
  });

  it('a good Host, an IP literal, an empty Host and HTTP/1.0 without one are served', async () => {
    for (const head of [
      'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1:1\r\n',
      'GET /healthz HTTP/1.1\r\nhost: [::1]:8080\r\n',
      'GET /healthz HTTP/1.1\r\nhost: issuer.example.kr\r\n',
      'GET /healthz HTTP/1.1\r\nhost:\r\n',
      'GET http://other.example/healthz HTTP/1.1\r\nhost: other.example\r\n',
      'GET /healthz HTTP/1.0\r\n',
    ]) {
      const raw = await exchange(t.url, `${head}connection: close\r\n\r\n`);
      assert.match(raw, /^HTTP\/1\.1 200 /, `${JSON.stringify(head)}: ${raw}`);
    }
  });

  it('after a refusal the service still answers', async () => {
    const raw = await exchange(t.url, 'GET /healthz HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n');
    assert.match(raw, /^HTTP\/1\.1 200 /);
  });
});

describe('a request too slow to arrive (408), on a real socket', () => {
  // Node raises ERR_HTTP_REQUEST_TIMEOUT after `requestTimeout` (300 s); the handler is called here
  // with that error rather than waiting for it.
  it('is 408 request_timeout in problem+json, and nothing is written on a socket that already answered', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const log = { info: () => undefined };
    const serverSide = (written: boolean) =>
      new Promise<string>((resolve) => {
        server.once('connection', (socket: Socket) => {
          if (written) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
          const err = Object.assign(new Error('request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
          setImmediate(() => clientErrorHandler.call({ log } as never, err, socket));
        });
        const c = connect(port, '127.0.0.1');
        let received = '';
        c.on('data', (d) => (received += d.toString('latin1')));
        c.on('close', () => resolve(received));
      });
    try {
      assertRefusal(await serverSide(false), 408, 'request_timeout');
      assert.equal(await serverSide(true), 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    } finally {
      server.close();
    }
  });
});
