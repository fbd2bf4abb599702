import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('a status change reason with characters that would mislead an operator', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    t = await startTestApp();
    issuer = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  const issue = async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/v1/credentials',
      headers: { authorization: `Bearer ${issuer}` },
      payload: { type: 'disability-eligibility', claims: t.runtime.catalog.get('disability-eligibility')?.example },
    });
    assert.equal(r.statusCode, 201, r.body);
    return (r.json() as { id: string }).id;
  };
  const change = (id: string, action: string, reason: string, lang = 'en') =>
    t.app.inject({
      method: 'POST',
      url: `/v1/credentials/${id}/${action}`,
      headers: { authorization: `Bearer ${issuer}`, 'accept-language': lang },
      payload: { reason },
    });

  const unsafe: [string, string][] = [
    ['a right-to-left override, a bell and a line separator', '정상\u202E사유\u0007\u2028'],
    ['a paragraph separator inside', '분실\u2029신고'],
    ['a line feed forging a second line', 'lost\n\napproved by: 국세청'],
    ['a C1 control (NEL)', 'lost\u0085card'],
    ['a zero-width space', 'lo\u200Bst'],
    ['a right-to-left isolate', 'lost \u2067card\u2069'],
    ['a private-use character', 'lost \uE000'],
  ];
  for (const [what, reason] of unsafe) {
    for (const action of ['suspend', 'revoke'] as const) {
      it(`refuses to ${action} with ${what}: 400 invalid_reason, status unchanged, nothing audited`, async () => {
        const id = await issue();
        const r = await change(id, action, reason);
        assert.equal(r.statusCode, 400, r.body);
        assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
        const p = r.json() as { code: string; detail: string; errors: { pointer: string; message: string }[] };
        assert.equal(p.code, 'invalid_reason');
        assert.match(p.detail, /control, format, bidirectional or line separator characters/);
        assert.deepEqual(
          p.errors.map((e) => e.pointer),
          ['/reason'],
        );
        assert.equal((await t.runtime.store.credentials.get(id))?.status, 0, 'still valid');
        assert.deepEqual(await t.runtime.store.audit.forSubject(`credential:${id}`), []);
      });
    }
  }

  it('refuses to reinstate a suspended credential with such a reason, which stays suspended with one audit entry', async () => {
    const id = await issue();
    assert.equal((await change(id, 'suspend', '이의 신청 검토 중')).statusCode, 200);
    const r = await change(id, 'reinstate', '검토\u202E완료');
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().code, 'invalid_reason');
    assert.equal((await t.runtime.store.credentials.get(id))?.status, 2, 'still suspended');
    const events = await t.runtime.store.audit.forSubject(`credential:${id}`);
    assert.deepEqual(
      events.map((e) => e.action),
      ['credential.suspend'],
    );
  });

  it('says why in Korean to a reader of Korean', async () => {
    const id = await issue();
    const r = await change(id, 'revoke', '정상\u202E사유', 'ko');
    assert.equal(r.statusCode, 400, r.body);
    const p = r.json() as { code: string; detail: string; errors: { pointer: string; message: string }[] };
    assert.equal(p.code, 'invalid_reason');
    assert.equal(p.detail, '사유에는 제어 문자, 서식 문자, 양방향 제어 문자, 줄 구분 문자는 넣을 수 없습니다.');
    assert.equal(p.errors[0]?.message, '제어 문자, 서식 문자, 양방향 제어 문자, 줄 구분 문자는 넣을 수 없습니다.');
  });

  it('takes a reason whose only such characters are at its ends, which are trimmed away and not stored', async () => {
    for (const reason of ['분실 신고\u2028', 'lost phone\n', '\tlost phone']) {
      const id = await issue();
      const r = await change(id, 'suspend', reason);
      assert.equal(r.statusCode, 200, r.body);
      const events = await t.runtime.store.audit.forSubject(`credential:${id}`);
      assert.equal(events[0]?.detail?.reason, reason.trim());
    }
  });

  it('still takes a plain Korean or English reason with inner spaces and punctuation', async () => {
    const id = await issue();
    const r = await change(id, 'suspend', '분실 신고 (reported lost) — 2025-01-02, 창구 접수');
    assert.equal(r.statusCode, 200, r.body);
    const events = await t.runtime.store.audit.forSubject(`credential:${id}`);
    assert.equal(events[0]?.detail?.reason, '분실 신고 (reported lost) — 2025-01-02, 창구 접수');
  });
});
