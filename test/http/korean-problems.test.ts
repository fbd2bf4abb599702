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
import { FIELD_FALLBACK_KO, fieldErrorInLanguage, schemaErrorKo } from '../../src/verdict/field-messages.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

describe("each field's fault in the reader's language", () => {
  const KEYWORDS_WE_ANSWER = new Set(['type', 'required', 'additionalProperties', 'minLength', 'maxLength', 'pattern', 'format']);
  const VALIDATING = new Set([
    ...KEYWORDS_WE_ANSWER,
    'enum',
    'const',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minItems',
    'maxItems',
    'uniqueItems',
    'minProperties',
    'maxProperties',
    'propertyNames',
    'anyOf',
    'oneOf',
    'allOf',
    'not',
    'if',
    'multipleOf',
    'contains',
    'dependentRequired',
    'dependentSchemas',
    'patternProperties',
    'unevaluatedProperties',
    'unevaluatedItems',
    'prefixItems',
  ]);

  /** Every validating keyword (and format) in our JSON schemas: the request schemas and the catalogue's types. */
  function keywordsInSchemas(): { keywords: Set<string>; formats: Set<string> } {
    const keywords = new Set<string>();
    const formats = new Set<string>();
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) return o.forEach(walk);
      if (o === null || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        if (VALIDATING.has(k)) keywords.add(k);
        if (k === 'format' && typeof v === 'string') formats.add(v);
        // `properties` maps names to schemas: its keys are member names, not keywords.
        if (k === 'properties' && v && typeof v === 'object') Object.values(v).forEach(walk);
        else walk(v);
      }
    };
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
      );
    for (const f of files(join(import.meta.dirname, '../../schemas'))) walk(JSON.parse(readFileSync(f, 'utf8')));
    return { keywords, formats };
  }

  it('has a sentence of its own for every keyword and format our schemas use: Hangul, a period, no schema text', () => {
    const { keywords, formats } = keywordsInSchemas();
    assert.ok(keywords.size >= 15 && formats.has('date'), [...keywords].join(' '));
    const params = { limit: 20_000, type: 'string', format: 'date', missingProperty: 'x', additionalProperty: 'y', pattern: '^[a-z]+$' };
    for (const keyword of keywords) {
      const ko = schemaErrorKo({ keyword, params });
      assert.notEqual(ko, FIELD_FALLBACK_KO, `${keyword} has no sentence of its own`);
      assert.match(ko, HANGUL, keyword);
      assert.match(ko, /\.$/, keyword);
      assert.ok(!ko.includes('^[a-z]+$'), `${keyword}: the pattern is not quoted`);
      for (const { word } of AVOIDED_KOREAN) assert.ok(!ko.includes(word), `${keyword}: ${ko} uses ${word}`);
    }
    for (const format of formats)
      assert.notEqual(schemaErrorKo({ keyword: 'format', params: { format } }), '형식이 맞지 않습니다.', format);
    assert.equal(schemaErrorKo({ keyword: 'maxLength', params: { limit: 20_000 } }), '20,000자 이하여야 합니다.');
    assert.equal(schemaErrorKo({ keyword: 'type', params: { type: 'string' } }), '문자열이어야 합니다.');
    assert.equal(schemaErrorKo({ keyword: 'type', params: { type: ['integer', 'null'] } }), '정수 또는 빈 값(null)이어야 합니다.');
    assert.equal(schemaErrorKo({ keyword: 'type', params: { type: 'object' } }), '객체여야 합니다.');
  });

  let t: TestApp;
  let keys: { issuer: string; verifier: string; admin: string };
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    keys = { issuer: await t.apiKey('issuer'), verifier: await t.apiKey('verifier'), admin: await t.apiKey('admin') };
  });
  afterAll(() => t.close());

  const send = (url: string, key: string, payload: unknown, language?: string) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { authorization: `Bearer ${key}`, ...(language !== undefined && { 'accept-language': language }) },
    });
  type Fields = { code: string; errors: { pointer: string; message: string }[] };

  it("says each claim's fault in Korean, at the same pointers as in English", async () => {
    const claims = { family_name: 123, given_name: 'a'.repeat(300), birth_date: '1990-02-30', nickname: 'x', unsafe: 'a\u202eb' };
    const body = { type: 'resident-id', claims };
    const en = await send('/v1/offers', keys.issuer, body);
    const ko = await send('/v1/offers', keys.issuer, body, KOREAN);
    assert.equal(ko.statusCode, 400, ko.body);
    const e = en.json<Fields>();
    const k = ko.json<Fields>();
    assert.equal(k.code, 'invalid_claims');
    assert.ok(k.errors.length >= 4, ko.body);
    assert.deepEqual(
      k.errors.map((x) => x.pointer),
      e.errors.map((x) => x.pointer),
    );
    for (const x of k.errors) {
      assert.deepEqual(Object.keys(x).sort(), ['message', 'pointer'], 'the Korean sentence is the message, not a member of its own');
      assert.match(x.message, HANGUL, JSON.stringify(x));
      assert.doesNotMatch(x.message, /must|is required|characters/, JSON.stringify(x));
    }
    const at = (p: string) => k.errors.find((x) => x.pointer === p)?.message;
    assert.equal(at('/family_name'), '문자열이어야 합니다.', ko.body);
    assert.equal(at('/nickname'), '이 위치에는 허용되지 않는 항목입니다.', ko.body);
    assert.equal(at('/birth_date'), '날짜 형식(YYYY-MM-DD)이어야 합니다.', ko.body);
    // English, as before: ajv's sentences and ours.
    for (const x of e.errors) {
      assert.deepEqual(Object.keys(x).sort(), ['message', 'pointer']);
      // (ajv's English may quote a pattern, Hangul and all: the sentence around it is English.)
      assert.match(x.message, /^(must|is|name|nests|looks)\b/, JSON.stringify(x));
    }
    assert.ok(e.errors.some((x) => x.message === 'is not allowed here'));
  });

  it("says a request body's fault in Korean (the request schema's own errors) and a DCQL query's", async () => {
    const role = await send('/v1/admin/clients', keys.admin, { name: 'x', role: 'emperor' }, KOREAN);
    assert.equal(role.statusCode, 400, role.body);
    assert.deepEqual(
      role.json<Fields>().errors.find((x) => x.pointer === '/role'),
      { pointer: '/role', message: '허용된 값 중 하나여야 합니다.' },
      role.body,
    );
    const dcql = await send(
      '/v1/verifier/requests',
      keys.verifier,
      { dcql_query: { credentials: [{ id: 'x y', format: 'dc+sd-jwt' }] } },
      KOREAN,
    );
    assert.equal(dcql.statusCode, 400, dcql.body);
    const d = dcql.json<Fields>();
    assert.equal(d.code, 'invalid_dcql_query');
    assert.deepEqual(d.errors, [
      { pointer: '/dcql_query/credentials/0/id', message: '식별자(id)는 영문자, 숫자, _, -로 된 1~64자여야 합니다.' },
    ]);
    const english = await send('/v1/verifier/requests', keys.verifier, {
      dcql_query: { credentials: [{ id: 'x y', format: 'dc+sd-jwt' }] },
    });
    assert.deepEqual(english.json<Fields>().errors, [
      { pointer: '/dcql_query/credentials/0/id', message: 'id must be 1-64 of [A-Za-z0-9_-]' },
    ]);
  });

  it('puts the general sentence where an entry came without a Korean one, and passes other shapes as they are', () => {
    assert.deepEqual(fieldErrorInLanguage({ pointer: '/a', message: 'bad' }, true), { pointer: '/a', message: FIELD_FALLBACK_KO });
    assert.deepEqual(fieldErrorInLanguage({ pointer: '/a', message: 'bad', ko: '나쁨.' }, false), { pointer: '/a', message: 'bad' });
    assert.equal(fieldErrorInLanguage('text', true), 'text');
  });
});
