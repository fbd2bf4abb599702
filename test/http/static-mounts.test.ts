/**
 * The one answer of every static mount (src/http/static-mounts.ts), on a bare app with the app's
 * error handling and two mounts of @fastify/static over a directory that holds a dot file: one
 * that denies dot files itself and does not register the hook (what the app's error handler makes
 * of the plugin's own refusals: its real error objects, however a future mount is set up), and one
 * that allows them, as Swagger UI's does, with the hook (which alone keeps the dot file unserved).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { installErrorHandling } from '../../src/http/error-handler.js';
import { refuseStaticPaths } from '../../src/http/static-mounts.js';

describe('static mounts answer a path they will not serve in one way', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dproof-static-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'page.js'), 'ok');
    writeFileSync(join(dir, '.secret'), 'secret');
    app = Fastify();
    installErrorHandling(app, (url) => url);
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: dir, prefix: '/bare/', index: false, dotfiles: 'deny' });
    });
    await app.register(async (scope) => {
      refuseStaticPaths(scope);
      await scope.register(fastifyStatic, { root: dir, prefix: '/open/', index: false, dotfiles: 'allow', decorateReply: false });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (url: string, language?: string) => {
    const res = await app.inject({ method: 'GET', url, ...(language && { headers: { 'accept-language': language } }) });
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${url}: ${res.body}`);
    return { status: res.statusCode, body: res.json<Record<string, string>>(), language: res.headers['content-language'] };
  };

  it('serves the files', async () => {
    for (const url of ['/bare/sub/page.js', '/open/sub/page.js']) assert.equal((await app.inject({ url })).body, 'ok', url);
  });

  it("sorts a plugin's own refusal without the hook: a dot file or a climb is path_forbidden under the mount", async () => {
    for (const url of ['/bare/.secret', '/bare/sub/.secret', '/bare/..%2f..%2fetc%2fpasswd', '/bare/sub/..%2f..%2f.secret']) {
      const { status, body } = await get(url);
      assert.equal(status, 403, `${url}: ${JSON.stringify(body)}`);
      assert.equal(body.code, 'path_forbidden');
      assert.ok(body.detail?.includes('under /bare/ '), `${url}: ${body.detail}`);
    }
    const ko = await get('/bare/.secret', 'ko');
    assert.equal(ko.language, 'ko');
    assert.equal(ko.body.detail, '/bare/ 아래의 숨김 파일(이름이 점으로 시작하는 파일)에는 접근할 수 없습니다.');
  });

  it('refuses a dot file that exists where the plugin would serve it, with the hook', async () => {
    const { status, body } = await get('/open/.secret');
    assert.equal(status, 403, JSON.stringify(body));
    assert.equal(body.code, 'path_forbidden');
    assert.ok(body.detail?.includes('under /open/ '), body.detail);
  });

  it('answers a name too long to exist, or a directory, with the not-found answer on both mounts', async () => {
    for (const mount of ['/bare/', '/open/']) {
      for (const url of [`${mount}${'a'.repeat(256)}`, `${mount}sub/${'b'.repeat(300)}.js`, `${mount}sub/`, mount]) {
        const { status, body } = await get(url);
        assert.equal(status, 404, `${url.slice(0, 40)}: ${JSON.stringify(body).slice(0, 200)}`);
        assert.equal(body.code, 'not_found');
        assert.equal(body.detail, `there is nothing at ${url}`);
      }
    }
  });
});
