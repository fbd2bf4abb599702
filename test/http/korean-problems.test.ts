/**
 * Refusals in the reader's language: with `Accept-Language` preferring Korean, every refusal's
 * sentence is the catalogue's Korean one (the pages' vocabulary, src/verdict/glossary.ts), in the
 * problem+json shape and the OAuth shape alike, with `Content-Language: ko`; the code, status and
 * pointers stay. English stays the default, unchanged. And every code the service can answer with
 * has a Korean sentence that a Korean reader can read: Hangul, no avoided word, no raw code.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ERROR_CATALOGUE, errorEntry, type ErrorCode } from '../../src/errors.js';
import { AVOIDED_KOREAN } from '../../src/verdict/glossary.js';

const HANGUL = /[가-힣]/;
const KOREAN = 'ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7';

describe('every code the service answers with has a Korean sentence', () => {
  const answered = (Object.entries(ERROR_CATALOGUE) as [ErrorCode, { http: readonly number[]; ko?: string }][]).filter(
    ([, e]) => e.http.length > 0,
  );

  it('in Hangul, with no avoided word and no error code in it', () => {
    const codes = new Set(Object.keys(ERROR_CATALOGUE));
    for (const [code, e] of answered) {
      assert.ok(e.ko !== undefined, `${code} has no Korean sentence`);
      assert.match(e.ko, HANGUL, code);
      assert.match(e.ko, /[.?]$/, `${code}: a sentence ends with a period`);
      for (const { word } of AVOIDED_KOREAN) assert.ok(!e.ko.includes(word), `${code}: ${e.ko} uses ${word}`);
      // A parameter name in parentheses is fine (로고 주소(logo_uri)); a code of ours is not.
      for (const token of e.ko.match(/[a-z][a-z0-9]*(?:_[a-z0-9]+)+/g) ?? [])
        assert.ok(
          !codes.has(token) || /^(invalid_request|invalid_grant|invalid_token)$/.test(token),
          `${code}: ${e.ko} names the code ${token}`,
        );
    }
  });

  it('says a revoked certificate is 폐지된 and a suspended one 효력이 정지된, as the pages do', () => {
    assert.equal(errorEntry('credential_already_revoked').ko, '이미 폐지된 증명서입니다.');
    assert.equal(errorEntry('credential_already_suspended').ko, '이미 효력이 정지된 증명서입니다.');
  });
});

describe('refusals answered in Korean when the reader asks for it', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    admin = await t.apiKey('admin');
  });
  afterAll(() => t.close());

  const adminPost = (body: string, language?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      payload: body,
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': 'application/json',
        ...(language !== undefined && { 'accept-language': language }),
      },
    });

  it('gives problem+json the Korean sentence and title, keeps code, status and pointers', async () => {
    const res = await adminPost('{"name": ', KOREAN);
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-language'], 'ko');
    assert.match(String(res.headers.vary), /accept-language/i);
    const body = res.json<{ code: string; detail: string; title: string; status: number; type: string }>();
    assert.equal(body.code, 'malformed_json');
    assert.equal(body.type, 'urn:dproof:problem:malformed_json');
    assert.equal(body.detail, errorEntry('malformed_json').ko);
    assert.equal(body.title, '잘못된 요청');
    assert.ok(!('ownCode' in body));

    const schema = await adminPost(JSON.stringify({ name: 'x', role: 'emperor' }), KOREAN);
    assert.equal(schema.statusCode, 400, schema.body);
    const s = schema.json<{ code: string; detail: string; errors: { pointer: string }[] }>();
    assert.match(s.detail, HANGUL);
    assert.ok(
      s.errors.some((e) => e.pointer === '/role'),
      schema.body,
    );
  });

  it('answers in English by default, and when English is preferred, word for word as before', async () => {
    // Malformed or refusing headers (a q that is no number, no tag at all, ko with q=0) count as no preference.
    for (const language of [undefined, 'en', 'en-US,en;q=0.9,ko;q=0.5', '*', 'fr', 'ko;q=abc', ';;;', 'ko-KR;q=0', 'x'.repeat(4000)]) {
      const res = await adminPost('{"name": ', language);
      const body = res.json<{ detail: string; title: string }>();
      assert.equal(body.detail, 'the body is not valid JSON', String(language));
      assert.equal(body.title, 'Bad Request');
      assert.equal(res.headers['content-language'], undefined);
      assert.match(String(res.headers.vary), /accept-language/i);
    }
  });

  it('says a missing API key and an unknown path in Korean', async () => {
    const noKey = await t.app.inject({ method: 'GET', url: '/v1/credentials', headers: { 'accept-language': 'ko' } });
    assert.equal(noKey.statusCode, 401);
    assert.equal(noKey.json<{ detail: string }>().detail, 'API 키를 입력하십시오.');
    const missing = await t.app.inject({ method: 'GET', url: '/nothing-here', headers: { 'accept-language': 'ko' } });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.json<{ detail: string }>().detail, HANGUL);
  });

  it('gives the OAuth shape the Korean sentence of what was refused, under the registered code', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': KOREAN },
      payload: `pad=${'x'.repeat(100_000)}`,
    });
    assert.equal(res.statusCode, 413, res.body);
    assert.equal(res.headers['content-language'], 'ko');
    const body = res.json<{ error: string; error_description: string }>();
    assert.equal(body.error, 'invalid_request');
    // The sentence is about the body's size (body_too_large's), not a generic invalid_request.
    assert.equal(body.error_description, errorEntry('body_too_large').ko);
  });
});
