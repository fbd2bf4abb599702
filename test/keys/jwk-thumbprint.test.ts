import { it } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';

it('computes the same RFC 7638 thumbprint as jose for P-256 and Ed25519 keys, and refuses other keys', async () => {
  for (const kp of [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ed25519')]) {
    const jwk = { ...(kp.publicKey.export({ format: 'jwk' }) as JWK), kid: 'ignored', use: 'sig' };
    assert.equal(jwkThumbprint(jwk), await calculateJwkThumbprint(jwk, 'sha256'));
  }
  assert.throws(() => jwkThumbprint({ kty: 'RSA', n: 'x', e: 'AQAB' }), TypeError);
  assert.throws(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'x' }), TypeError);
});
