/**
 * Issue 22: the big public JSON bodies (catalogue, issuer metadata, type metadata) are serialized
 * once and sent as bytes, with a strong ETag and a gzip variant. Over real HTTP on the embedded
 * store (these answers do not depend on the store; the rotation of the request-encryption keys
 * inside the issuer metadata is covered on both stores by request-encryption.test.ts).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { viewCredentialType } from '../../src/http/routes/catalog-routes.js';
import { acceptsGzip } from '../../src/http/prepared-json.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch asks for gzip and unpacks it, and the test needs the bytes as sent. */
const get = (url: string, headers: Record<string, string> = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

describe('prepared public JSON bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ listen: true });
  });
  afterAll(() => t.close());

  it('the catalogue is the catalogue, as JSON with a strong ETag and no coding the client did not ask for', async () => {
    const res = await get(`${t.url}/v1/credential-types`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.headers.vary, 'accept-encoding');
    assert.match(res.headers.etag as string, /^"[A-Za-z0-9_-]{27}"$/);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    const expected = JSON.parse(JSON.stringify(t.runtime.catalog.types.map(viewCredentialType))) as unknown;
    assert.deepEqual(JSON.parse(res.body.toString('utf8')), expected);
    // The second answer is the same bytes (served prepared, not rebuilt).
    assert.deepEqual((await get(`${t.url}/v1/credential-types`)).body, res.body);
  });

  it('gzip when asked, the same JSON packed, under its own ETag', async () => {
    const plain = await get(`${t.url}/v1/credential-types`);
    const packed = await get(`${t.url}/v1/credential-types`, { 'accept-encoding': 'br, gzip;q=0.8' });
    assert.equal(packed.headers['content-encoding'], 'gzip');
    assert.ok(packed.body.length * 4 < plain.body.length, `gzip ${packed.body.length} of ${plain.body.length} bytes`);
    assert.deepEqual(gunzipSync(packed.body), plain.body);
    assert.notEqual(packed.headers.etag, plain.headers.etag);
    const refused = await get(`${t.url}/v1/credential-types`, { 'accept-encoding': 'gzip;q=0, identity' });
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.deepEqual(refused.body, plain.body);
  });

  it('If-None-Match with the ETag (strong or weak) is answered 304 without a body; another tag gets the body', async () => {
    for (const path of ['/v1/credential-types', '/.well-known/openid-credential-issuer', '/.well-known/oauth-authorization-server']) {
      const first = await get(`${t.url}${path}`);
      assert.equal(first.status, 200, path);
      const etag = first.headers.etag as string;
      for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await get(`${t.url}${path}`, { 'if-none-match': tag });
        assert.equal(again.status, 304, `${path} with ${tag}`);
        assert.equal(again.body.length, 0);
        assert.equal(again.headers.etag, etag);
      }
      const other = await get(`${t.url}${path}`, { 'if-none-match': '"not-this-one"' });
      assert.equal(other.status, 200);
      assert.deepEqual(other.body, first.body);
      // The gzip variant's tag does not validate the plain representation.
      const packed = await get(`${t.url}${path}`, { 'accept-encoding': 'gzip' });
      if (packed.headers['content-encoding'] === 'gzip') {
        assert.equal((await get(`${t.url}${path}`, { 'if-none-match': packed.headers.etag as string })).status, 200);
      }
    }
  });

  it('issuer metadata keeps its members, request-encryption keys included', async () => {
    const md = JSON.parse((await get(`${t.url}/.well-known/openid-credential-issuer`)).body.toString('utf8')) as Record<string, unknown>;
    assert.equal(md.credential_issuer, t.config.publicUrl);
    assert.ok(Object.keys(md.credential_configurations_supported as object).length > 0);
    const enc = md.credential_request_encryption as { jwks: { keys: unknown[] } };
    assert.ok(enc.jwks.keys.length > 0);
  });

  it('type metadata per vct, and an unknown vct is still a problem', async () => {
    const type = t.runtime.catalog.types[0]!;
    const res = await get(`${t.url}${type.vctPath}`, { 'accept-encoding': 'gzip' });
    assert.equal(res.status, 200);
    const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;
    assert.equal((JSON.parse(body.toString('utf8')) as { vct: string }).vct, type.vct);
    const missing = await get(`${t.url}/vct/no-such-type/v1`);
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.body.toString('utf8')) as { code: string }).code, 'unknown_vct');
  });
});

it('Accept-Encoding is read as RFC 9110 §12.5.3 says: q=0 refuses, * stands for codings not named', () => {
  assert.equal(acceptsGzip(undefined), false);
  assert.equal(acceptsGzip(''), false);
  assert.equal(acceptsGzip('gzip'), true);
  assert.equal(acceptsGzip('GZIP ; q=0.5'), true);
  assert.equal(acceptsGzip('x-gzip'), true);
  assert.equal(acceptsGzip('br, deflate'), false);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('gzip;q=0.000'), false);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('*;q=0'), false);
  assert.equal(acceptsGzip('*, gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  // A malformed q-value is not an acceptance.
  for (const bad of ['gzip;q=abc', 'gzip;q=', 'gzip;q=2', 'gzip;q=1.5', 'gzip;q=0.1234', 'gzip;q=1.2.3', '*;q=x'])
    assert.equal(acceptsGzip(bad), false, bad);
  assert.equal(acceptsGzip('gzip;q=1.000'), true);
  assert.equal(acceptsGzip('gzip;level=1'), true, 'a parameter other than q');
});
