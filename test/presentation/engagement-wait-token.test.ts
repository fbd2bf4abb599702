/**
 * The wait token of GET /v1/wallet/engagements/request: `engagement_token_missing` only when no
 * Bearer token is sent; a token that is there but is not one we hand out (a real one with a
 * character added, cut or changed) is `engagement_token_unknown`, and spoils nothing.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('the wait token of a counter engagement', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    const made = await t.app.inject({ method: 'POST', url: '/v1/wallet/engagements' });
    assert.equal(made.statusCode, 201, made.body);
    token = made.json<{ wait_token: string }>().wait_token;
  });
  afterAll(() => t.close());

  const wait = (authorization: string | undefined, language?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/v1/wallet/engagements/request?wait=0',
      headers: { ...(authorization !== undefined && { authorization }), ...(language !== undefined && { 'accept-language': language }) },
    });
  const refusal = async (authorization: string | undefined, language?: string) => {
    const res = await wait(authorization, language);
    assert.equal(res.statusCode, 401, `${authorization}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    return { ...res.json<{ code: string; detail: string }>(), language: res.headers['content-language'] };
  };

  it('answers a real token, whatever the case of its scheme', async () => {
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`]) {
      const res = await wait(authorization);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ status: string }>().status, 'waiting');
    }
  });

  it('says engagement_token_missing when no Bearer token is sent', async () => {
    for (const authorization of [undefined, '', 'Bearer', 'Bearer ', '   ', `Basic ${token}`])
      assert.equal((await refusal(authorization)).code, 'engagement_token_missing', `${authorization}`);
  });

  it('says engagement_token_unknown for a token that is there but malformed, and the real one still works', async () => {
    const malformed = [
      `${token}x`,
      token.slice(0, -1),
      `${token.slice(0, -1)}=`,
      `${token.slice(0, 20)}.${token.slice(21)}`,
      `${token} ${token}`,
      'x',
    ];
    for (const bad of malformed) {
      const p = await refusal(`Bearer ${bad}`);
      assert.equal(p.code, 'engagement_token_unknown', bad);
      assert.match(p.detail, /not a wait token/);
    }
    // A well-formed token nobody was given: unknown, as before.
    assert.equal((await refusal(`Bearer ${'A'.repeat(43)}`)).code, 'engagement_token_unknown');
    const res = await wait(`Bearer ${token}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ status: string }>().status, 'waiting');
  });

  it('says each engagement_token_unknown in its own Korean sentence, with what to do next', async () => {
    const korean = 'ko-KR,ko;q=0.9';
    const malformed = await refusal(`Bearer ${token}x`, korean);
    const unknown = await refusal(`Bearer ${'A'.repeat(43)}`, korean);
    assert.deepEqual(
      [malformed, unknown].map((p) => [p.code, p.language, p.detail]),
      [
        [
          'engagement_token_unknown',
          'ko',
          'POST /v1/wallet/engagements에서 받은 대기 토큰(base64url 43자)이 아닙니다. 받은 그대로 보내거나 새 QR을 만드십시오.',
        ],
        [
          'engagement_token_unknown',
          'ko',
          '이 대기 토큰에 해당하는 연결이 없습니다(만료되어 지워졌거나 만들어진 적이 없음). 새 QR을 만드십시오.',
        ],
      ],
    );
    // English is as it was.
    assert.match((await refusal(`Bearer ${token}x`)).detail, /^this is not a wait token .*send it as given, or make a new QR$/);
    assert.match((await refusal(`Bearer ${'A'.repeat(43)}`)).detail, /^this wait token names no engagement .*; make a new QR$/);
  });
});
