/**
 * A high-assurance wallet built on the OpenWallet Foundation's @openid4vc/openid4vci and
 * @openid4vc/oauth2 (nothing of ours on the client side) against our issuer configured as HAIP
 * asks: DPoP required (server nonces, retried by the library on use_dpop_nonce) and a wallet
 * attestation from a trusted wallet provider required (attest_jwt_client_auth). Real HTTP, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import {
  clientAuthenticationAnonymous,
  clientAuthenticationClientAttestationJwt,
  createClientAttestationJwt,
  setGlobalConfig,
  type JwtSigner,
  type SignJwtCallback,
} from '@openid4vc/oauth2';
import { SignJWT, decodeJwt, importJWK, calculateJwkThumbprint, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { providersFile, walletProvider } from './attestation-helpers.js';

setGlobalConfig({ allowInsecureUrls: true });

const keys = new Map<string, JWK>();
function walletKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  keys.set(jwk.x as string, jwk);
  return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
}
const signJwt: SignJwtCallback = async (signer: JwtSigner, { header, payload }) => {
  if (signer.method !== 'jwk') throw new Error('test wallet signs with jwk only');
  const priv = keys.get(signer.publicJwk.x as string);
  if (!priv) throw new Error('unknown key');
  const jwt = await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(await importJWK(priv, 'ES256'));
  return { jwt, signerJwk: signer.publicJwk };
};
const callbacks = {
  fetch,
  hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
  generateRandom: (n: number) => randomBytes(n),
  signJwt,
};

const provider = walletProvider('OWF test wallet provider');
keys.set(provider.key.jwk.x as string, provider.key.privateKey.export({ format: 'jwk' }) as JWK);

for (const backend of storeTargets()) {
  describe(`@openid4vc wallet with DPoP and wallet attestation against our issuer on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        listen: true,
        env: {
          RATE_LIMIT_PER_MINUTE: '0',
          DPOP_REQUIRED: 'true',
          WALLET_ATTESTATION_REQUIRED: 'true',
          TRUSTED_WALLET_PROVIDERS: providersFile([provider]),
        },
      });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const attestation = async (instanceJwk: JWK) =>
      createClientAttestationJwt({
        issuer: 'https://wallet-provider.example',
        clientId: 'https://wallet.example/owf-test',
        issuedAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
        confirmation: { jwk: instanceJwk as never },
        signer: { method: 'jwk', alg: 'ES256', publicJwk: provider.key.jwk as never },
        callbacks: { signJwt },
      });

    it('pre-authorized code + DPoP + wallet attestation: a DPoP-bound token and a credential bound to the proof key', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const created = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example, tx_code: true });
      const instance = walletKey();
      const wallet = new Openid4vciClient({
        callbacks: {
          ...callbacks,
          clientAuthentication: clientAuthenticationClientAttestationJwt({ clientAttestationJwt: await attestation(instance), callbacks }),
        },
      });
      const offer = await wallet.resolveCredentialOffer(created.offer);
      const metadata = await wallet.resolveIssuerMetadata(offer.credential_issuer);
      assert.deepEqual(metadata.authorizationServers[0]?.dpop_signing_alg_values_supported, ['ES256', 'EdDSA']);

      const dpopKey = walletKey();
      const { accessTokenResponse, dpop } = await wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata: metadata,
        txCode: created.tx_code,
        dpop: { signer: { method: 'jwk', alg: 'ES256', publicJwk: dpopKey as never } },
      });
      assert.equal(accessTokenResponse.token_type, 'DPoP');
      assert.ok(dpop?.nonce, 'the library kept our DPoP-Nonce');
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select(['dpop_jkt', 'wallet_client'])
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      assert.equal(row?.dpop_jkt, await calculateJwkThumbprint(dpopKey));
      assert.equal(row?.wallet_client, 'https://wallet.example/owf-test');

      const { c_nonce } = await wallet.requestNonce({ issuerMetadata: metadata });
      const holder = walletKey();
      const { jwt } = await wallet.createCredentialRequestJwtProof({
        issuerMetadata: metadata,
        credentialConfigurationId: 'resident-id',
        signer: { method: 'jwk', alg: 'ES256', publicJwk: holder as never },
        nonce: c_nonce,
      });
      const { credentialResponse } = await wallet.retrieveCredentials({
        issuerMetadata: metadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: 'resident-id',
        proofs: { jwt: [jwt] },
        dpop,
      });
      assert.equal(credentialResponse.credentials?.length, 1);
      const first = credentialResponse.credentials?.[0] as { credential: string };
      const payload = decodeJwt(first.credential.split('~')[0] as string) as { cnf: { jwk: JWK } };
      assert.equal(await calculateJwkThumbprint(payload.cnf.jwk), await calculateJwkThumbprint(holder));
    });

    it('without a wallet attestation the library gets invalid_client; without DPoP, invalid_dpop_proof', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const anonymous = new Openid4vciClient({ callbacks: { ...callbacks, clientAuthentication: clientAuthenticationAnonymous() } });
      const created = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example });
      const offer = await anonymous.resolveCredentialOffer(created.offer);
      const metadata = await anonymous.resolveIssuerMetadata(offer.credential_issuer);
      await assert.rejects(
        anonymous.retrievePreAuthorizedCodeAccessTokenFromOffer({
          credentialOffer: offer,
          issuerMetadata: metadata,
          dpop: { signer: { method: 'jwk', alg: 'ES256', publicJwk: walletKey() as never } },
        }),
        /invalid_client/,
      );
      const attested = new Openid4vciClient({
        callbacks: {
          ...callbacks,
          clientAuthentication: clientAuthenticationClientAttestationJwt({
            clientAttestationJwt: await attestation(walletKey()),
            callbacks,
          }),
        },
      });
      await assert.rejects(
        attested.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer: offer, issuerMetadata: metadata }),
        /invalid_dpop_proof/,
      );
    });
  });
}
