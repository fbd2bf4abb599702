/**
 * A required member that is missing, of the wrong type, empty or too long is refused with a
 * sentence that says which: a number sent as an id was told the id "is required", and an offer
 * without claims that its claims "must be JSON values".
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { requiredString } from '../../src/issuance/vci-errors.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('a required string member', () => {
  it('is returned as it is, or refused saying what is wrong with it', () => {
    assert.equal(requiredString('abc', 'transaction_id', 'invalid_credential_request', 128), 'abc');
    for (const [value, says] of [
      [undefined, 'transaction_id is required'],
      [null, 'transaction_id is required'],
      [1, 'transaction_id must be a string'],
      [['abc'], 'transaction_id must be a string'],
      ['', 'transaction_id must not be empty'],
      ['x'.repeat(129), 'transaction_id is longer than 128 characters'],
    ] as const)
      assert.throws(
        () => requiredString(value, 'transaction_id', 'invalid_credential_request', 128),
        (e: unknown) => (e as { code: string; message: string }).code === 'invalid_credential_request' && (e as Error).message === says,
        String(value),
      );
  });
});

describe('an offer without claims', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    issuer = await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  it('is told that claims are required, in English and in Korean', async () => {
    for (const [language, message] of [
      [undefined, 'is required'],
      ['ko', '필수 항목입니다.'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { authorization: `Bearer ${issuer}`, ...(language && { 'accept-language': language }) },
        payload: { type: 'driver-license' },
      });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<{ code: string; detail: string; errors: { pointer: string; message: string }[] }>();
      assert.equal(body.code, 'invalid_claims');
      assert.deepEqual(body.errors, [{ pointer: '', message }]);
      if (!language) assert.match(body.detail, /^claims is required/);
    }
  });
});
