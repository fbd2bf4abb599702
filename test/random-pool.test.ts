/**
 * Salts and decoys come from a pooled CSPRNG draw (src/random-source.ts): every byte is handed out once,
 * each draw is its own copy, and the pool never hands back zeros it wiped.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { randomText, systemRandom } from '../src/random-source.js';

it('hands out distinct draws of the asked length, across many pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const salt = systemRandom(16);
    assert.ok(salt instanceof Uint8Array);
    assert.equal(salt.length, 16);
    const hex = Buffer.from(salt).toString('hex');
    assert.ok(!seen.has(hex), 'a 128-bit salt came out twice');
    assert.notEqual(hex, '0'.repeat(32), 'a wiped (all-zero) slice was handed out');
    seen.add(hex);
  }
  for (const n of [1, 4, 32, 256, 257, 5000]) assert.equal(systemRandom(n).length, n);
});

it('gives each caller its own copy: changing one draw changes no other', () => {
  const a = systemRandom(16);
  const b = systemRandom(16);
  const before = Buffer.from(b).toString('hex');
  a.fill(0xff);
  assert.equal(Buffer.from(b).toString('hex'), before);
  assert.equal(a.buffer === b.buffer, false, 'two draws share memory');
});

it('spreads bytes evenly enough to be random (no stuck bits)', () => {
  const bytes = systemRandom(256);
  const many = Buffer.concat(Array.from({ length: 4000 }, () => Buffer.from(systemRandom(16))));
  assert.equal(bytes.length, 256);
  for (let bit = 0; bit < 8; bit++) {
    let ones = 0;
    for (const byte of many) ones += (byte >> bit) & 1;
    const share = ones / many.length;
    assert.ok(share > 0.47 && share < 0.53, `bit ${bit} is set in ${(share * 100).toFixed(1)}% of bytes`);
  }
});

it('gives ids and secrets as text of the asked length, each different', () => {
  const secrets = new Set(Array.from({ length: 2000 }, () => randomText(32)));
  assert.equal(secrets.size, 2000);
  for (const s of secrets) assert.match(s, /^[A-Za-z0-9_-]{43}$/);
  assert.match(randomText(12, 'hex'), /^[0-9a-f]{24}$/);
  assert.notEqual(randomText(16), randomText(16));
});
