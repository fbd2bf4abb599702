/**
 * Requests Node answers, or drops, before Fastify routes them: CONNECT (dropped without a word),
 * an Expect other than 100-continue (a bare 417 with an empty body), and what the HTTP parser
 * refuses (client-error.ts: in English only). Each is answered in problem+json with a catalogued
 * code, in Korean when the request asks for it, and the connection is closed. And an unknown path
 * is answered without waiting for its body. Raw bytes on a real socket: inject cannot send these.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { parseRawAnswer, rawExchange, type RawAnswer } from '../helpers/raw-http.js';
import { errorEntry } from '../../src/errors.js';

type Answer = RawAnswer;

/** Writes `bytes` (without closing our side) and reads until the server closes the connection. */
const exchange = async (url: string, bytes: string): Promise<Answer> => parseRawAnswer(await rawExchange(url, bytes));

/** Writes `bytes` and resolves with the first complete answer after an expected `interim` one, then closes. */
function firstAnswer(url: string, bytes: string, interim = ''): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(u.port), u.hostname);
    let received = '';
    s.on('data', (d) => {
      received += d.toString('latin1');
      if (!received.startsWith(interim.slice(0, received.length))) reject(new Error(`not ${interim}: ${received}`));
      if (received.length < interim.length) return;
      received = received.slice(interim.length);
      interim = '';
      const at = received.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(received)?.[1] ?? NaN);
      if (at > 0 && received.length >= at + 4 + length) {
        s.destroy();
        resolve(parseRawAnswer(received.slice(0, at + 4 + length)));
      }
    });
    s.on('error', reject);
    s.write(bytes);
  });
}

function assertProblem(a: Answer, status: number, code: string): void {
  assert.equal(a.status, status, a.raw.slice(0, 400));
  assert.match(a.headers['content-type'] ?? '', /^application\/problem\+json/, a.raw.slice(0, 400));
  assert.equal(a.body.code, code);
  assert.equal(a.body.status, status);
  assert.equal(a.body.type, `urn:dproof:problem:${code}`);
  assert.equal(typeof a.body.detail, 'string');
  assert.equal(a.headers.connection, 'close');
}

function assertKorean(a: Answer, code: string): void {
  assert.equal(a.headers['content-language'], 'ko', a.raw.slice(0, 400));
  assert.equal(a.body.detail, errorEntry(code as never).ko);
  assert.match(String(a.body.title), /[가-힣]/);
}

describe('requests Node would answer or drop before any route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true });
  });
  afterAll(() => t.close());

  describe('CONNECT', () => {
    it('is 405 method_not_allowed with Allow, then the connection is closed', async () => {
      const a = await exchange(t.url, 'CONNECT /healthz HTTP/1.1\r\nhost: t\r\n\r\n');
      assertProblem(a, 405, 'method_not_allowed');
      assert.equal(a.headers.allow, 'GET, HEAD');
      assert.match(String(a.body.detail), /CONNECT is not allowed here; use GET, HEAD/);
      assert.equal(a.body.instance, '/healthz');
    });

    it('to a host and port (a proxy tunnel) is 405 too, with an empty Allow', async () => {
      const a = await exchange(t.url, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1:22\r\n\r\n');
      assertProblem(a, 405, 'method_not_allowed');
      assert.equal(a.headers.allow, '');
      assert.match(String(a.body.detail), /not a proxy/);
    });

    it('is answered in Korean when asked', async () => {
      const a = await exchange(t.url, 'CONNECT /healthz HTTP/1.1\r\nhost: t\r\naccept-language: ko-KR,ko;q=0.9\r\n\r\n');
      assertProblem(a, 405, 'method_not_allowed');
      assertKorean(a, 'method_not_allowed');
    });
  });

  describe('an Expect other than 100-continue', () => {
    const post = (expect: string, more = '') =>
      `POST /v1/offers HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 2\r\nexpect: ${expect}\r\n${more}\r\n{}`;

    it('is 417 expectation_failed in problem+json, and the connection is closed', async () => {
      const a = await exchange(t.url, post('200-ok'));
      assertProblem(a, 417, 'expectation_failed');
      assert.equal(a.body.title, 'Expectation Failed');
      assert.equal(a.body.instance, '/v1/offers');
    });

    it('is answered in Korean when asked', async () => {
      const a = await exchange(t.url, post('200-ok', 'accept-language: ko\r\n'));
      assertProblem(a, 417, 'expectation_failed');
      assertKorean(a, 'expectation_failed');
    });

    it('on an OAuth endpoint is answered in its OAuth shape, the status kept', async () => {
      const token = (more = '') =>
        `POST /oauth/token HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 2\r\nexpect: 200-ok\r\n${more}\r\na=`;
      const a = await exchange(t.url, token());
      assert.equal(a.status, 417, a.raw.slice(0, 400));
      assert.match(a.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(a.headers['cache-control'], 'no-store');
      assert.deepEqual(Object.keys(a.body).sort(), ['error', 'error_description']);
      assert.equal(a.body.error, 'invalid_request');
      assert.match(String(a.body.error_description), /100-continue/);
      const ko = await exchange(t.url, token('accept-language: ko\r\n'));
      assert.equal(ko.body.error, 'invalid_request');
      assert.equal(ko.body.error_description, errorEntry('expectation_failed').ko);
      assert.equal(ko.headers['content-language'], 'ko');
    });

    it('leaves 100-continue as it was: the request is answered by its route', async () => {
      const a = await firstAnswer(t.url, post('100-continue'), 'HTTP/1.1 100 Continue\r\n\r\n');
      // The route answers (no API key), after Node's 100 Continue.
      assert.equal(a.status, 401, a.raw);
      assert.equal(a.body.code, 'missing_api_key');
    });
  });

  describe('what the HTTP parser refuses, with Accept-Language: ko', () => {
    it('a malformed header is 400 malformed_http in Korean', async () => {
      const a = await exchange(t.url, 'GET /healthz HTTP/1.1\r\nhost: t\r\naccept-language: ko\r\nbad header: x\r\n\r\n');
      assertProblem(a, 400, 'malformed_http');
      assertKorean(a, 'malformed_http');
    });

    it('headers past the size limit are 431 headers_too_large in Korean', async () => {
      const a = await exchange(t.url, `GET /healthz HTTP/1.1\r\nhost: t\r\naccept-language: ko\r\nx-pad: ${'p'.repeat(17_000)}\r\n\r\n`);
      assertProblem(a, 431, 'headers_too_large');
      assertKorean(a, 'headers_too_large');
    });

    it('stays English without a preference for Korean, word for word as before', async () => {
      for (const language of ['', 'accept-language: en\r\n', 'accept-language: ko;q=0\r\n']) {
        const a = await exchange(t.url, `GET /healthz HTTP/1.1\r\nhost: t\r\n${language}bad header: x\r\n\r\n`);
        assertProblem(a, 400, 'malformed_http');
        assert.equal(a.headers['content-language'], undefined);
        assert.equal(a.body.title, 'Bad Request');
        assert.equal(a.body.detail, 'the request is not well-formed HTTP/1.1 (request line, header or chunk framing)');
      }
    });
  });

  describe('an unknown path', () => {
    it('is answered 404 before its body arrives', async () => {
      // The body is announced and never sent: an answer that waited for it would never come.
      const a = await firstAnswer(
        t.url,
        'POST /nonexistent HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n',
      );
      assert.equal(a.status, 404, a.raw);
      assert.equal(a.body.code, 'not_found');
    });

    it('on a path of ours, with a method it does not take, is 405 before its body arrives', async () => {
      const a = await firstAnswer(
        t.url,
        'POST /healthz HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
      );
      assert.equal(a.status, 405, a.raw);
      assert.equal(a.headers.allow, 'GET, HEAD');
    });
  });

  describe('under a PUBLIC_URL path (/dp)', () => {
    let dp: TestApp;
    beforeAll(async () => {
      dp = await startTestApp({ listen: true, publicPath: '/dp' });
    });
    afterAll(() => dp.close());

    it('CONNECT names the methods of the route the path reaches, and its instance as sent', async () => {
      const a = await exchange(new URL(dp.url).origin, 'CONNECT /dp/healthz HTTP/1.1\r\nhost: t\r\n\r\n');
      assertProblem(a, 405, 'method_not_allowed');
      assert.equal(a.headers.allow, 'GET, HEAD');
      assert.equal(a.body.instance, '/dp/healthz');
    });

    it('an Expect on the token endpoint there is answered in its OAuth shape', async () => {
      const a = await exchange(
        new URL(dp.url).origin,
        'POST /dp/oauth/token HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 2\r\nexpect: 200-ok\r\n\r\na=',
      );
      assert.equal(a.status, 417, a.raw.slice(0, 400));
      assert.equal(a.body.error, 'invalid_request');
    });
  });

  it('still serves after all of these', async () => {
    const res = await fetch(`${t.url}/healthz`);
    assert.equal(res.status, 200);
  });
});
