import { test } from 'vitest';
import assert from 'node:assert/strict';
import { decodeBase64url, encodeBase64url } from '../../../src/formats/jose/base64url.js';
import { code } from '../helpers.js';

test('round-trips bytes through base64url', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    const text = encodeBase64url(bytes);
    assert.deepEqual(n === 0 ? decodeBase64url(text, 'jws_malformed', true) : decodeBase64url(text, 'jws_malformed'), bytes);
  }
});

test('rejects characters outside the base64url alphabet', () => {
  for (const bad of ['ab+c', 'ab/c', 'ab c', 'abc\n', 'ab.c', 'abé', 'ab~c']) {
    assert.throws(() => decodeBase64url(bad, 'jws_malformed'), code('jws_malformed'), bad);
  }
});

test('rejects padding', () => {
  assert.throws(() => decodeBase64url('YQ==', 'jws_malformed'), code('jws_malformed'));
  assert.throws(() => decodeBase64url('YWI=', 'jws_malformed'), code('jws_malformed'));
});

test('rejects an empty segment unless explicitly allowed', () => {
  assert.throws(() => decodeBase64url('', 'jws_malformed'), code('jws_malformed'));
  assert.equal(decodeBase64url('', 'jws_malformed', true).length, 0);
});

test('rejects impossible lengths and non-canonical trailing bits', () => {
  assert.throws(() => decodeBase64url('abcde', 'jws_malformed'), code('jws_malformed'));
  // "YQ" is canonical for 0x61; "YR" decodes to the same byte in lax decoders.
  assert.deepEqual(decodeBase64url('YQ', 'jws_malformed'), new Uint8Array([0x61]));
  assert.throws(() => decodeBase64url('YR', 'jws_malformed'), code('jws_malformed'));
  assert.throws(() => decodeBase64url('YWJ', 'jws_malformed'), code('jws_malformed'));
  assert.deepEqual(decodeBase64url('YWI', 'jws_malformed'), new Uint8Array([0x61, 0x62]));
});

test('reports the error code the caller chose', () => {
  assert.throws(() => decodeBase64url('a+b', 'sd_jwt_disclosure_malformed'), code('sd_jwt_disclosure_malformed'));
});
