import { test } from 'vitest';
import assert from 'node:assert/strict';
import { MAX_DISCLOSURES, parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { code } from '../helpers.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln';

test('splits an SD-JWT without disclosures', () => {
  assert.deepEqual(parseSdJwt(`${JWT}~`), { jwt: JWT, disclosures: [], sdJwtWithoutKb: `${JWT}~` });
});

test('splits an SD-JWT with disclosures', () => {
  assert.deepEqual(parseSdJwt(`${JWT}~d1~d2~`), { jwt: JWT, disclosures: ['d1', 'd2'], sdJwtWithoutKb: `${JWT}~d1~d2~` });
});

test('splits an SD-JWT+KB with and without disclosures', () => {
  assert.deepEqual(parseSdJwt(`${JWT}~${JWT}`), { jwt: JWT, disclosures: [], kbJwt: JWT, sdJwtWithoutKb: `${JWT}~` });
  assert.deepEqual(parseSdJwt(`${JWT}~d1~${JWT}`), { jwt: JWT, disclosures: ['d1'], kbJwt: JWT, sdJwtWithoutKb: `${JWT}~d1~` });
});

test('rejects a bare JWT where an SD-JWT is required', () => {
  assert.throws(() => parseSdJwt(JWT), code('sd_jwt_malformed'));
});

test('rejects empty disclosure segments and an empty issuer JWT', () => {
  for (const t of [`${JWT}~~`, `${JWT}~d1~~`, `${JWT}~~d1~`, `${JWT}~d1~~${JWT}`, '~', '~d1~', '']) {
    assert.throws(() => parseSdJwt(t), code('sd_jwt_malformed'), t);
  }
});

test('rejects more disclosures than any credential of ours has', () => {
  const many = `${JWT}~${'WyJhIiwxXQ~'.repeat(MAX_DISCLOSURES + 1)}`;
  assert.throws(() => parseSdJwt(many), code('sd_jwt_too_many_disclosures'));
  assert.equal(parseSdJwt(`${JWT}~${'WyJhIiwxXQ~'.repeat(MAX_DISCLOSURES)}`).disclosures.length, MAX_DISCLOSURES);
});

test('rejects input that is not a string', () => {
  assert.throws(() => parseSdJwt(42 as unknown as string), code('sd_jwt_malformed'));
});
