import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mintCNonce, readCNonce } from '../../src/issuance/c-nonce.js';

const key = randomBytes(32);
const now = 1_800_000_000_000;

test('a c_nonce is 52 base64url characters and reads back its expiry until then', () => {
  const n = mintCNonce(key, now + 300_000);
  assert.match(n, /^[A-Za-z0-9_-]{52}$/);
  assert.deepEqual(readCNonce(key, n, now), { expiresAt: now + 300_000 });
  assert.deepEqual(readCNonce(key, n, now + 299_999), { expiresAt: now + 300_000 });
  assert.equal(readCNonce(key, n, now + 300_000), undefined, 'expired at its expiry');
  assert.notEqual(mintCNonce(key, now + 300_000), n, 'two c_nonces for the same expiry differ');
});

test('a c_nonce made under another key (another operator secret) is not ours', () => {
  assert.equal(readCNonce(randomBytes(32), mintCNonce(key, now + 300_000), now), undefined);
});

test('any changed byte, a forged expiry, another version or length is refused', () => {
  const bytes = Buffer.from(mintCNonce(key, now + 300_000), 'base64url');
  for (let i = 0; i < bytes.length; i++) {
    const changed = Buffer.from(bytes);
    changed[i]! ^= 0x01;
    assert.equal(readCNonce(key, changed.toString('base64url'), now), undefined, `byte ${i}`);
  }
  const later = Buffer.from(bytes);
  later.writeUIntBE(now + 86_400_000, 1, 6);
  assert.equal(readCNonce(key, later.toString('base64url'), now + 400_000), undefined);
  for (const bad of [
    '',
    'made-up',
    bytes.toString('base64url').slice(0, 51),
    `${bytes.toString('base64url')}A`,
    `${bytes.toString('base64url').slice(0, 51)}=`,
  ]) {
    assert.equal(readCNonce(key, bad, now), undefined, bad);
  }
  // A random value of the right length: the tag does not fit.
  assert.equal(readCNonce(key, Buffer.concat([Buffer.from([1]), randomBytes(38)]).toString('base64url'), now), undefined);
});

test('the same bytes in the standard base64 alphabet are refused (one c_nonce, one spelling, one stored hash)', () => {
  // node decodes '+' and '/' in base64url too: without the alphabet check, a used c_nonce respelled
  // would be the same bytes under another SHA-256, a second use nobody would find.
  const spelled = Array.from({ length: 200 }, () => mintCNonce(key, now + 300_000)).find((n) => /[-_]/.test(n))!;
  const respelled = spelled.replace(/-/g, '+').replace(/_/g, '/');
  assert.deepEqual(Buffer.from(respelled, 'base64url'), Buffer.from(spelled, 'base64url'));
  assert.ok(readCNonce(key, spelled, now));
  assert.equal(readCNonce(key, respelled, now), undefined);
});
