/**
 * The whole flow driven by an independent wallet library, @openid4vc/openid4vci (OpenWallet
 * Foundation), against the real HTTP server; the received credential is then verified with
 * @sd-jwt/sd-jwt-vc. Nothing of ours runs on the client side.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { owfWallet, walletKey } from './owf-wallet.js';

for (const backend of storeTargets()) {
  describe(`@openid4vc/openid4vci wallet against our issuer on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', BATCH_SIZE: '3' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    it('resolves the offer and metadata, takes a token with tx_code, a nonce, and a batch of credentials the @sd-jwt verifier accepts', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const created = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example, tx_code: true });
      const before = await t.runtime.store.credentials.count();
      const wallet = owfWallet();

      const offer = await wallet.resolveCredentialOffer(created.offer);
      assert.deepEqual(offer.credential_configuration_ids, ['driver-license']);
      const metadata = await wallet.resolveIssuerMetadata(offer.credential_issuer);
      assert.equal(metadata.originalDraftVersion, 'V1');
      assert.equal(metadata.credentialIssuer.credential_issuer, t.config.publicUrl);

      const { accessTokenResponse } = await wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata: metadata,
        txCode: created.tx_code,
      });
      assert.equal(accessTokenResponse.token_type, 'Bearer');
      const { c_nonce } = await wallet.requestNonce({ issuerMetadata: metadata });

      const holders = [walletKey(), walletKey(), walletKey()];
      const proofs = await Promise.all(
        holders.map(
          async (h) =>
            (
              await wallet.createCredentialRequestJwtProof({
                issuerMetadata: metadata,
                credentialConfigurationId: 'driver-license',
                signer: { method: 'jwk', alg: 'ES256', publicJwk: h.publicJwk },
                nonce: c_nonce,
              })
            ).jwt,
        ),
      );
      const { credentialResponse } = await wallet.retrieveCredentials({
        issuerMetadata: metadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: 'driver-license',
        proofs: { jwt: proofs },
      });
      const credentials = (credentialResponse.credentials ?? []).map(
        (c) => (typeof c === 'object' && 'credential' in c ? c.credential : c) as string,
      );
      assert.equal(credentials.length, 3);
      assert.equal(await t.runtime.store.credentials.count(), before + 3);

      // Verified by the OpenWallet Foundation SD-JWT VC library with the keys from our JWKS.
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      const sdjwt = new SDJwtVcInstance({
        hasher: digest,
        verifier: async (data, sig) => {
          const { kid } = decodeProtectedHeader(`${data}.${sig}`);
          const jwk = jwks.keys.find((k) => k.kid === kid) as JWK;
          return (await ES256.getVerifier(jwk))(data, sig);
        },
      });
      const cnfs = [];
      for (const credential of credentials) {
        const { payload } = await sdjwt.verify(credential);
        assert.equal(payload.iss, t.config.publicUrl);
        assert.equal(payload.vct, type.vct);
        assert.equal((payload as Record<string, unknown>).family_name, type.example.family_name);
        cnfs.push(await calculateJwkThumbprint((payload.cnf as { jwk: JWK }).jwk));
      }
      assert.deepEqual(cnfs, await Promise.all(holders.map((h) => calculateJwkThumbprint(h.publicJwk))));

      // The library sees our spec error codes: the used token is refused.
      await assert.rejects(
        wallet.retrieveCredentials({
          issuerMetadata: metadata,
          accessToken: accessTokenResponse.access_token,
          credentialConfigurationId: 'driver-license',
          proofs: { jwt: proofs.slice(0, 1) },
        }),
        (e: unknown) =>
          (e as { response: { response: Response } }).response.response.status === 401 && /invalid_token/.test((e as Error).message),
      );
    });
  });
}
