/**
 * checkPublicJwk, the one gate for public keys from outside: every class of key nobody holds the
 * private half of (or a second spelling of one key) is refused with `jws_key_invalid`, real keys
 * pass with exactly their RFC 7638 members, and importPublicKey (the door to every signature
 * check) refuses the same keys.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import type { JWK } from 'jose';
import { ed25519 } from '@noble/curves/ed25519.js';
import { checkPublicJwk, isRealPublicJwk } from '../../../src/formats/jose/check-public-jwk.js';
import { importPublicKey } from '../../../src/formats/jose/import-public-key.js';
import { FormatError } from '../../../src/errors.js';
import { badPublicJwks, IDENTITY_SIGNATURE, IDENTITY_X, realKeys, WEAK_POINTS } from '../../helpers/bad-public-jwks.js';
import { readVectorJson } from '../helpers.js';

const refusedWith = (code: string) => (e: unknown) => e instanceof FormatError && e.code === code;
const keys = realKeys();
const cases = badPublicJwks(keys);

for (const c of cases) {
  test(`refuses ${c.name} where a key is bound (torsionFree)`, () => {
    assert.throws(() => checkPublicJwk(c.jwk, { torsionFree: true }), refusedWith('jws_key_invalid'));
    assert.equal(isRealPublicJwk(c.jwk, { torsionFree: true }), false);
  });
  if (c.torsionOnly) continue;
  test(`refuses ${c.name} on every path (no torsion check asked)`, () => {
    assert.throws(() => checkPublicJwk(c.jwk), refusedWith('jws_key_invalid'));
  });
  if ('d' in c.jwk) continue; // importPublicKey takes resolver keys and drops private members by design
  test(`importPublicKey refuses ${c.name}`, () => {
    assert.throws(() => importPublicKey(c.jwk, c.signer.alg), refusedWith('jws_key_invalid'));
  });
}

test('a mixed-order Ed25519 key accepted without the torsion check is still refused when it is asked (the memo keeps the level)', () => {
  const mixed = cases.find((c) => c.torsionOnly)!.jwk;
  assert.doesNotThrow(() => checkPublicJwk(mixed));
  assert.throws(() => checkPublicJwk(mixed, { torsionFree: true }), refusedWith('jws_key_invalid'));
  assert.throws(() => checkPublicJwk(mixed, { torsionFree: true }), refusedWith('jws_key_invalid'), 'a second time too');
});

test('accepts real P-256 and Ed25519 keys and returns exactly their RFC 7638 members', () => {
  for (const k of [keys.ec, keys.ed]) {
    const out = checkPublicJwk({ ...k.jwk, kid: 'k1', alg: k.alg, use: 'sig' }, { torsionFree: true });
    assert.deepEqual(out, k.jwk);
  }
  for (let i = 0; i < 20; i++) {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    assert.deepEqual(checkPublicJwk(ec, { torsionFree: true }), { kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y });
    assert.deepEqual(checkPublicJwk(ed, { torsionFree: true }), { kty: 'OKP', crv: 'Ed25519', x: ed.x });
  }
});

test('accepts every public key of the Wycheproof ECDSA P-256 and Ed25519 vectors', () => {
  for (const file of ['wycheproof/ecdsa_secp256r1_sha256_p1363_test.json', 'wycheproof/ed25519_test.json']) {
    const groups = readVectorJson<{ testGroups: { publicKeyDer: string }[] }>(file).testGroups;
    for (const g of groups) {
      const jwk = createPublicKey({ key: Buffer.from(g.publicKeyDer, 'hex'), format: 'der', type: 'spki' }).export({ format: 'jwk' });
      assert.ok(isRealPublicJwk(jwk, { torsionFree: true }), `${file}: ${JSON.stringify(jwk)}`);
    }
  }
});

test('refuses other key types, shapes and members', () => {
  const bad: unknown[] = [
    null,
    'key',
    [keys.ec.jwk],
    {},
    { kty: 'oct', k: 'c2VjcmV0' },
    generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }),
    generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }),
    generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }),
    { ...keys.ec.jwk, crv: 'p-256' },
    { kty: 'EC', crv: 'P-256', x: keys.ec.jwk.x },
    { ...keys.ec.jwk, x: [keys.ec.jwk.x] },
    { ...keys.ed.jwk, x: 42 },
    { ...keys.ed.jwk, kty: 'EC' },
  ];
  for (const jwk of bad) assert.throws(() => checkPublicJwk(jwk), refusedWith('jws_key_invalid'), JSON.stringify(jwk));
});

test('the weak-point fixture: each small-order point has the order it claims; each non-canonical encoding is what it says', () => {
  const ZERO = ed25519.Point.ZERO;
  for (const p of WEAK_POINTS.smallOrder) {
    const P = ed25519.Point.fromBytes(Uint8Array.from(Buffer.from(p.hex, 'hex')), false);
    assert.ok(P.multiplyUnsafe(BigInt(p.order)).equals(ZERO), `[${p.order}]P = O for ${p.hex}`);
    if (p.order > 1) assert.ok(!P.multiplyUnsafe(BigInt(p.order / 2)).equals(ZERO), `order of ${p.hex} is exactly ${p.order}`);
  }
  assert.equal(new Set(WEAK_POINTS.smallOrder.map((p) => p.hex)).size, 8, 'the 8 torsion points, each once');
  const P = 2n ** 255n - 19n;
  for (const p of WEAK_POINTS.nonCanonical) {
    const b = Buffer.from(p.hex, 'hex');
    const sign = b[31]! >> 7;
    b[31]! &= 0x7f;
    const y = BigInt(`0x${Buffer.from(b).reverse().toString('hex')}`);
    assert.ok(y >= P || ((y === 1n || y === P - 1n) && sign === 1), `${p.note}: y >= p, or x = 0 with the sign bit`);
  }
});

test('the exploit this gate closes: OpenSSL verifies one constant signature for any message under the identity key', () => {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: IDENTITY_X }, format: 'jwk' });
  const sig = Buffer.from(IDENTITY_SIGNATURE, 'base64url');
  for (const msg of ['one message', 'another one entirely'])
    assert.ok(verify(null, Buffer.from(msg), key, sig), 'OpenSSL alone does not refuse it');
  assert.throws(() => checkPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: IDENTITY_X } as JWK), refusedWith('jws_key_invalid'));
});
