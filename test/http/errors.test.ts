import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { parseRawAnswer, rawExchange, type RawAnswer } from '../helpers/raw-http.js';
import { errorEntry } from '../../src/errors.js';
import { AVOIDED_KOREAN } from '../../src/verdict/glossary.js';

describe('problem+json answers for bad HTTP input', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '2048' } });
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      payload: body,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...headers },
    });

  const assertProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string) => {
    assert.equal(res.statusCode, status);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    assert.equal(body.code, code);
    assert.equal(body.status, status);
    assert.equal(body.type, `urn:dproof:problem:${code}`);
    assert.equal(typeof body.detail, 'string');
    assert.ok(!('stack' in body));
    return body;
  };

  it('answers malformed JSON with 400 malformed_json', async () => {
    assertProblem(await post('{"name": '), 400, 'malformed_json');
  });

  it('answers an empty JSON body with 400 empty_body', async () => {
    assertProblem(await post(''), 400, 'empty_body');
  });

  it('answers a wrong content type with 415 unsupported_media_type', async () => {
    assertProblem(await post('<a/>', { 'content-type': 'application/xml' }), 415, 'unsupported_media_type');
    assertProblem(await post('{"name":"x","role":"issuer"}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('refuses a form where the route reads no form (415, what the route takes), before parsing it, and changes nothing', async () => {
    const clients = async () => (await t.runtime.store.clients.list()).length;
    const before = await clients();
    const refused = assertProblem(
      await post('name=x&role=issuer', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    );
    assert.equal(refused.detail, 'send the body as application/json');
    assert.equal(await clients(), before);
    const verifier = await t.apiKey('verifier');
    const verify = await t.app.inject({
      method: 'POST',
      url: '/v1/verifier/verify',
      payload: 'presentation=abc',
      headers: { authorization: `Bearer ${verifier}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    assertProblem(verify, 415, 'unsupported_media_type');
    // A route that reads no body ignores a form, as it did: HTTP clients label empty POSTs so.
    const nonce = await t.app.inject({
      method: 'POST',
      url: '/openid4vci/nonce',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(nonce.statusCode, 200);
    // The form routes still read theirs.
    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(token.statusCode, 400);
    assert.equal(token.json<{ error: string }>().error, 'invalid_grant');
  });

  it('answers a body over the limit with 413 body_too_large', async () => {
    assertProblem(await post(JSON.stringify({ name: 'x'.repeat(5000), role: 'issuer' })), 413, 'body_too_large');
  });

  it('does not decompress a gzip body past the limit', async () => {
    const zipped = gzipSync(JSON.stringify({ name: 'x'.repeat(100_000), role: 'issuer' }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      payload: zipped,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `got ${res.statusCode}`);
  });

  it('answers an unknown route with 404 not_found', async () => {
    assertProblem(await t.app.inject({ method: 'GET', url: '/no/such/thing' }), 404, 'not_found');
  });

  it('answers a wrong method with 405 method_not_allowed and Allow', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/healthz' });
    assertProblem(res, 405, 'method_not_allowed');
    assert.match(String(res.headers.allow), /GET/);
  });

  it('answers a missing web asset with 404 not_found, not 405 for the method its wildcard route takes', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await t.app.inject({ method, url: '/web/no-such-bundle.js' });
      assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
      assert.equal(res.headers.allow, undefined);
      if (method === 'GET') assertProblem(res, 404, 'not_found');
    }
    const res = await t.app.inject({ method: 'POST', url: '/web/no-such-bundle.js' });
    assertProblem(res, 405, 'method_not_allowed');
  });

  it('answers a web asset path that climbs out of /web/ or names a hidden file with 403 path_forbidden', async () => {
    for (const url of ['/web/..%2f..%2fpackage.json', '/web/chunks/..%2f..%2fpackage.json', '/web/.env', '/web/chunks/.x.js']) {
      assertProblem(await t.app.inject({ method: 'GET', url }), 403, 'path_forbidden');
    }
  });

  it('answers a Swagger UI asset path (/docs/static/, /docs/) that climbs out or names a hidden file with 403 path_forbidden naming its mount', async () => {
    for (const [url, mount] of [
      ['/docs/static/..%2f..%2fpackage.json', '/docs/static/'],
      ['/docs/static/.env', '/docs/static/'],
      ['/docs/static/a/.git/config', '/docs/static/'],
      ['/docs/..%2fpackage.json', '/docs/'],
      ['/docs/.env', '/docs/'],
    ] as const) {
      const body = assertProblem(await t.app.inject({ method: 'GET', url }), 403, 'path_forbidden');
      assert.ok(String(body.detail).includes(`under ${mount} `), `${url}: ${String(body.detail)}`);
      assert.ok(!String(body.detail).includes('/web/'), `${url}: ${String(body.detail)}`);
    }
  });

  it('answers a file name longer than a file system allows with 404 not_found under every static mount, as a missing file', async () => {
    const long = 'a'.repeat(300);
    // 256 bytes of UTF-8 in 128 characters: too long in bytes, not in characters.
    const wide = '%C3%A9'.repeat(128);
    for (const mount of ['/web/', '/docs/static/', '/docs/']) {
      for (const url of [`${mount}${long}`, `${mount}${long}.js`, `${mount}chunks/${long}.js`, `${mount}${wide}.js`]) {
        for (const method of ['GET', 'HEAD'] as const) {
          const res = await t.app.inject({ method, url });
          assert.equal(res.statusCode, 404, `${method} ${url.slice(0, 40)}: ${res.body.slice(0, 200)}`);
          if (method === 'GET') assert.equal(assertProblem(res, 404, 'not_found').detail, `there is nothing at ${url}`);
        }
      }
    }
  });

  it('answers a directory under /web/ (no index, no listing) with 404 not_found, with or without its trailing slash', async () => {
    for (const url of ['/web/', '/web/chunks/', '/web/chunks']) {
      assertProblem(await t.app.inject({ method: 'GET', url }), 404, 'not_found');
    }
  });

  describe('paths sent as they are (curl --path-as-is)', () => {
    // inject() resolves `..` and `.` as a browser would; a hostile client sends the bytes as they are.
    let live: TestApp;
    beforeAll(async () => {
      live = await startTestApp({ listen: true });
    });
    afterAll(() => live.close());

    const rawGet = async (path: string, headers: Record<string, string> = {}): Promise<RawAnswer> => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${new URL(live.url).host}`, 'Connection: close'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      return parseRawAnswer(await rawExchange(live.url, `${lines.join('\r\n')}\r\n\r\n`));
    };

    const assertForbidden = (path: string, a: RawAnswer, mount: string): string => {
      assert.equal(a.status, 403, `${path}: ${a.raw.slice(0, 400)}`);
      assert.match(a.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(a.body.code, 'path_forbidden', path);
      assert.equal(a.body.type, 'urn:dproof:problem:path_forbidden', path);
      const detail = String(a.body.detail);
      assert.ok(detail.includes(mount), `${path}: ${detail}`);
      if (mount !== '/web/') assert.ok(!detail.includes('/web/'), `${path}: ${detail}`);
      return detail;
    };

    const REFUSED = [
      ['/web/a/../../package.json', '/web/'],
      ['/web/../../../etc/passwd', '/web/'],
      ['/web/%2e%2e/%2e%2e/package.json', '/web/'],
      ['/web/./wallet.js', '/web/'],
      ['/docs/static/../package.json', '/docs/static/'],
      ['/docs/static/../../../../etc/passwd', '/docs/static/'],
      ['/docs/static/a/../../../package.json', '/docs/static/'],
      ['/docs/static/%2e%2e/%2e%2e/package.json', '/docs/static/'],
      ['/docs/static/./logo.svg', '/docs/static/'],
      ['/docs/static//logo.svg', '/docs/static/'],
      ['/docs/static/.env', '/docs/static/'],
      ['/docs/./json', '/docs/'],
      ['/docs/../package.json', '/docs/'],
      ['/docs/.env', '/docs/'],
    ] as const;

    it('refuses a climb with .., a . or empty segment and a hidden file with 403 path_forbidden naming the mount, /web/ and /docs/ alike', async () => {
      for (const [path, mount] of REFUSED) assertForbidden(path, await rawGet(path), mount);
    });

    it('says so in Korean when asked, naming the mount the path is under', async () => {
      for (const [path, mount] of REFUSED) {
        const a = await rawGet(path, { 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.5' });
        const detail = assertForbidden(path, a, mount);
        assert.equal(a.headers['content-language'], 'ko', path);
        assert.equal(a.body.title, '권한 없음', path);
        assert.match(detail, /[가-힣]/, path);
        assert.match(detail, /[.]$/, path);
        // Not the English sentence, and no avoided word of the glossary.
        assert.doesNotMatch(detail, /this path|served/, path);
        for (const { word } of AVOIDED_KOREAN) assert.ok(!detail.includes(word), `${path}: ${detail}`);
      }
      const climb = await rawGet('/docs/static/../package.json', { 'accept-language': 'ko' });
      assert.equal(climb.body.detail, '/docs/static/ 밖으로 벗어나는(..) 경로에는 접근할 수 없습니다.');
      const long = await rawGet(`/docs/static/${'a'.repeat(300)}`, { 'accept-language': 'ko' });
      assert.equal(long.status, 404, long.raw.slice(0, 400));
      assert.equal(long.body.code, 'not_found');
      assert.equal(long.body.detail, errorEntry('not_found').ko);
    });

    it('still serves the assets themselves', async () => {
      for (const path of ['/docs/static/logo.svg', '/web/wallet.js']) {
        const raw = await rawExchange(live.url, `GET ${path} HTTP/1.1\r\nHost: ${new URL(live.url).host}\r\nConnection: close\r\n\r\n`);
        assert.match(raw, /^HTTP\/1\.1 200 /, `${path}: ${raw.slice(0, 200)}`);
      }
    });
  });

  it('refuses __proto__ keys with 400 forbidden_json_key', async () => {
    assertProblem(await post('{"name":"x","role":"issuer","__proto__":{"admin":true}}'), 400, 'forbidden_json_key');
  });

  it('refuses constructor.prototype keys with 400 forbidden_json_key', async () => {
    assertProblem(await post('{"name":"x","role":"issuer","constructor":{"prototype":{"admin":true}}}'), 400, 'forbidden_json_key');
  });

  it('points at the bad fields of a schema violation', async () => {
    const body = assertProblem(await post(JSON.stringify({ role: 'boss', extra: 1 })), 400, 'invalid_request');
    const pointers = (body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    assert.deepEqual(pointers, ['/extra', '/name', '/role']);
  });

  it('stores nothing when a request is refused', async () => {
    const before = (await t.runtime.store.clients.list()).length;
    await post(JSON.stringify({ role: 'boss', name: 'x' }));
    await post('{"name":"x","role":"issuer","__proto__":{}}');
    assert.equal((await t.runtime.store.clients.list()).length, before);
  });

  it('puts x-request-id on every answer and keeps a plain one from the caller', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.match(String(a.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const b = await t.app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(b.headers['x-request-id'], 'abc-123');
    const c = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': '<script>' } });
    assert.notEqual(c.headers['x-request-id'], '<script>');
  });
});
