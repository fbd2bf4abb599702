/**
 * Encrypted credential responses (OpenID4VCI 1.0 §8.2, §10): the wallet sends its ECDH-ES key
 * and an enc, in a request it encrypts (§8.2: MUST, see request-encryption.test.ts); the answer
 * is a JWE (application/jwt) it decrypts with jose; bad parameters are refused with
 * invalid_encryption_parameters before the offer or nonces are consumed. Both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`encrypted credential responses on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const encKey = () => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return { privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as JWK };
    };
    const request = async (encryption: unknown) => ({
      credential_configuration_id: 'resident-id',
      proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
      credential_response_encryption: encryption,
    });
    /** The request encrypted to the issuer's request key (credential_request_encryption). */
    const credentialRequest = async (_t: TestApp, token: string, body: unknown) => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      const k = m.credential_request_encryption.jwks.keys[0] as JWK;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(body)))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: k.kid! })
        .encrypt(await importJWK(k, 'ECDH-ES'));
      return t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { 'content-type': 'application/jwt', authorization: `Bearer ${token}` },
        payload: jwe,
      });
    };
    const tokenFor = async () =>
      accessToken(t, await makeOffer(t, issuerKey, { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')!.example }));

    it('publishes credential_response_encryption (ECDH-ES; A128GCM, A256GCM; not required)', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
      assert.deepEqual(m.credential_response_encryption, {
        alg_values_supported: ['ECDH-ES'],
        enc_values_supported: ['A128GCM', 'A256GCM'],
        encryption_required: false,
      });
    });

    for (const enc of ['A128GCM', 'A256GCM']) {
      it(`answers a JWE (${enc}) to the wallet's key, with its kid, that decrypts to the credential response`, async () => {
        const k = encKey();
        const res = await credentialRequest(
          t,
          await tokenFor(),
          await request({ jwk: { ...k.jwk, alg: 'ECDH-ES', kid: 'wallet-enc-1', use: 'enc' }, enc }),
        );
        assert.equal(res.statusCode, 200, res.body);
        assert.match(res.headers['content-type'] as string, /^application\/jwt/);
        const header = decodeProtectedHeader(res.body);
        assert.deepEqual([header.alg, header.enc, header.kid], ['ECDH-ES', enc, 'wallet-enc-1']);
        const { plaintext } = await compactDecrypt(res.body, k.privateKey);
        const body = JSON.parse(new TextDecoder().decode(plaintext));
        assert.equal(body.credentials.length, 1);
        assert.match(body.credentials[0].credential, /~$/);
      });
    }

    it('refuses bad parameters with invalid_encryption_parameters and consumes nothing', async () => {
      const k = encKey();
      const token = await tokenFor();
      const cases: [string, unknown][] = [
        ['not an object', 'yes please'],
        ['no jwk', { enc: 'A256GCM' }],
        ['jwk without alg', { jwk: k.jwk, enc: 'A256GCM' }],
        ['RSA-OAEP alg', { jwk: { ...k.jwk, alg: 'RSA-OAEP-256' }, enc: 'A256GCM' }],
        ['enc A128CBC-HS256', { jwk: { ...k.jwk, alg: 'ECDH-ES' }, enc: 'A128CBC-HS256' }],
        ['zip', { jwk: { ...k.jwk, alg: 'ECDH-ES' }, enc: 'A256GCM', zip: 'DEF' }],
        ['off-curve key', { jwk: { ...k.jwk, y: k.jwk.x, alg: 'ECDH-ES' }, enc: 'A256GCM' }],
        ['private key', { jwk: { ...(k.privateKey.export({ format: 'jwk' }) as JWK), alg: 'ECDH-ES' }, enc: 'A256GCM' }],
        ['Ed25519 key', { jwk: { ...holderKey('Ed25519').jwk, alg: 'ECDH-ES' }, enc: 'A256GCM' }],
      ];
      for (const [name, encryption] of cases) {
        const res = await credentialRequest(t, token, await request(encryption));
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(res.json().error, 'invalid_encryption_parameters', name);
      }
      // The token and its offer are still good.
      const ok = await credentialRequest(t, token, await request({ jwk: { ...k.jwk, alg: 'ECDH-ES' }, enc: 'A128GCM' }));
      assert.equal(ok.statusCode, 200, ok.body);
    });
  });
}
