/**
 * The error handler's own codes for errors no route raises on purpose: a bug (500, no details),
 * Fastify's Content-Length mismatch, an unknown 4xx of the framework, and a signing key that is
 * not there (503 through the real key ring).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { errorCodes } from 'fastify';
import { toProblem } from '../../src/http/error-handler.js';
import { isAppError } from '../../src/errors.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('error handler codes', () => {
  it('a bug is 500 internal_error and its message is never shown', () => {
    const p = toProblem(new TypeError('secret path /home/op/keys'));
    assert.equal(p.status, 500);
    assert.equal(p.code, 'internal_error');
    assert.doesNotMatch(JSON.stringify(p), /secret/);
  });

  it("Fastify's Content-Length mismatch is 400 invalid_content_length", () => {
    const p = toProblem(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    assert.deepEqual([p.status, p.code], [400, 'invalid_content_length']);
  });

  it('a framework 4xx without a code of its own is bad_request with its status', () => {
    const p = toProblem(Object.assign(new Error('FST_SOMETHING_NEW'), { statusCode: 400, code: 'FST_SOMETHING_NEW' }));
    assert.deepEqual([p.status, p.code], [400, 'bad_request']);
    assert.doesNotMatch(p.detail, /FST_/);
  });

  describe('keys', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { KEY_ALG: 'ES256' } });
    });
    afterAll(() => t.close());

    it('asking the key ring for an algorithm with no active key is 503 no_active_key', () => {
      assert.throws(
        () => t.runtime.keys.signer('EdDSA'),
        (e) => isAppError(e) && e.code === 'no_active_key' && e.status === 503,
      );
    });
  });
});
