import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../../src/clock.js';
import { checkTimeClaims } from '../../../src/formats/jose/check-time-claims.js';
import { parseJsonText } from '../../../src/formats/jose/parse-json.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { code } from '../helpers.js';

const NOW = 1_800_000_000;
const clock = fixedClock(NOW * 1000);
const check = (payload: JsonObject, extra = {}) => checkTimeClaims(payload, { clock, skewSeconds: 30, ...extra });

test('accepts a token inside its validity window', () => {
  check({ iat: NOW - 10, nbf: NOW - 10, exp: NOW + 10 });
  check({});
});

test('rejects an expired token, allowing the configured skew', () => {
  check({ exp: NOW - 29 });
  assert.throws(() => check({ exp: NOW - 30 }), code('jwt_expired'));
  assert.throws(() => check({ exp: NOW - 1000 }), code('jwt_expired'));
});

test('rejects a token that is not yet valid', () => {
  check({ nbf: NOW + 30 });
  assert.throws(() => check({ nbf: NOW + 31 }), code('jwt_not_yet_valid'));
});

test('rejects iat in the future beyond the skew', () => {
  check({ iat: NOW + 30 });
  assert.throws(() => check({ iat: NOW + 31 }), code('jwt_iat_in_future'));
});

test('rejects time claims that are not finite numbers', () => {
  for (const bad of ['1800000000', null, true, [1], { n: 1 }]) {
    for (const name of ['exp', 'nbf', 'iat']) {
      assert.throws(() => check({ [name]: bad } as JsonObject), code('jwt_time_claim_invalid'), `${name}=${JSON.stringify(bad)}`);
    }
  }
  // 1e400 would parse to Infinity: the token parser refuses the text (I-JSON), and the check refuses the value.
  assert.throws(() => parseJsonText('{"exp":1e400}', 'jws_malformed'), code('jws_malformed'));
  for (const name of ['exp', 'nbf', 'iat'])
    assert.throws(() => check({ [name]: Infinity } as JsonObject), code('jwt_time_claim_invalid'), `${name}=Infinity`);
});

test('requires exp when asked to', () => {
  assert.throws(() => check({ iat: NOW }, { requireExp: true }), code('jwt_exp_missing'));
  check({ exp: NOW + 1 }, { requireExp: true });
});

test('requires a recent iat when a maximum age is set', () => {
  assert.throws(() => check({}, { maxIatAgeSeconds: 60 }), code('jwt_iat_missing'));
  check({ iat: NOW - 90 }, { maxIatAgeSeconds: 60 });
  assert.throws(() => check({ iat: NOW - 91 }, { maxIatAgeSeconds: 60 }), code('jwt_iat_too_old'));
});
