/**
 * An identity provider may sign ID tokens with ES384 (ID_TOKEN_ALGS); its P-384 keys are kept only
 * when they are points of the curve in canonical form (oidc-login.ts), like every other key that
 * enters (checkPublicJwk covers P-256 and Ed25519).
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { isP384PublicJwk } from '../../src/issuance/authorization/oidc-login.js';

const jwk = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as {
  kty: string;
  crv: string;
  x: string;
  y: string;
};

it('takes a P-384 point, and nothing off the curve, mis-sized, non-canonical or of another curve', () => {
  assert.equal(isP384PublicJwk(jwk), true);
  assert.equal(isP384PublicJwk({ ...jwk, y: jwk.x }), false, 'off the curve');
  assert.equal(isP384PublicJwk({ ...jwk, x: jwk.x.slice(0, -2) }), false, 'short');
  assert.equal(isP384PublicJwk({ ...jwk, x: `${jwk.x}=` }), false, 'padded');
  assert.equal(isP384PublicJwk({ ...jwk, crv: 'P-256' }), false);
  assert.equal(isP384PublicJwk({ kty: 'EC', crv: 'P-384' }), false);
});
