/**
 * PUBLIC_URL with a path (`http://127.0.0.1:<port>/dp`): the metadata documents sit where RFC 8414
 * §3.1 and OpenID4VCI §12.2.2 put them (`/.well-known/<name>/dp`), every URL the metadata publishes
 * is reachable as published, and did:web keeps the path. The whole flow is driven by the
 * OpenWallet Foundation's @openid4vc/openid4vci client over real HTTP.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { didWebUrl } from '../../src/holder/did-web-url.js';
import { makeOffer } from './vci-helpers.js';
import { credentialsOf, owfWallet, walletKey } from './owf-wallet.js';

for (const backend of storeTargets()) {
  describe(`PUBLIC_URL with a path, on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, publicPath: '/dp', env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    it('serves the three metadata documents with the well-known segment between host and path (RFC 8414 §3.1)', async () => {
      const issuer = `${t.url}/dp`;
      assert.equal(t.config.publicUrl, issuer);
      for (const name of ['openid-credential-issuer', 'oauth-authorization-server', 'jwt-vc-issuer']) {
        const r = await fetch(`${t.url}/.well-known/${name}/dp`);
        assert.equal(r.status, 200, name);
        const body = (await r.json()) as Record<string, string>;
        assert.equal(body.credential_issuer ?? body.issuer, issuer, name);
        // The older place, after the path (what a wallet gets by appending), answers the same.
        assert.deepEqual(await (await fetch(`${t.url}/dp/.well-known/${name}`)).json(), body, name);
      }
      const meta = (await (await fetch(`${t.url}/.well-known/openid-credential-issuer/dp`)).json()) as Record<string, string>;
      assert.equal(meta.credential_endpoint, `${issuer}/openid4vci/credential`);
      const jwks = (await (await fetch(`${t.url}/.well-known/jwt-vc-issuer/dp`)).json()) as { jwks_uri: string };
      const keys = (await (await fetch(jwks.jwks_uri)).json()) as { keys: unknown[] };
      assert.ok(keys.keys.length >= 1);
    });

    it('keeps the path in did:web and serves the DID document where did:web resolves it', async () => {
      const id = (await (await fetch(`${t.url}/dp/v1/verifier/identifier`)).json()) as { did: string };
      const port = new URL(t.url).port;
      assert.equal(id.did, `did:web:127.0.0.1%3A${port}:dp`);
      const where = didWebUrl(id.did);
      assert.equal(where, `${t.url}/dp/did.json`);
      const doc = (await (await fetch(where)).json()) as { id: string };
      assert.equal(doc.id, id.did);
    });

    it('lets the @openid4vc/openid4vci wallet resolve the offer and metadata and receive a credential', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const created = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
      assert.ok(created.credential_offer_uri.startsWith(`${t.url}/dp/openid4vci/credential-offer/`));
      const wallet = owfWallet();
      const offer = await wallet.resolveCredentialOffer(created.offer);
      assert.equal(offer.credential_issuer, `${t.url}/dp`);
      const metadata = await wallet.resolveIssuerMetadata(offer.credential_issuer);
      assert.equal(metadata.credentialIssuer.credential_issuer, t.config.publicUrl);
      assert.equal(metadata.authorizationServers[0]?.token_endpoint, `${t.url}/dp/oauth/token`);
      const { accessTokenResponse } = await wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata: metadata,
      });
      const { c_nonce } = await wallet.requestNonce({ issuerMetadata: metadata });
      const holder = walletKey();
      const { jwt } = await wallet.createCredentialRequestJwtProof({
        issuerMetadata: metadata,
        credentialConfigurationId: 'driver-license',
        signer: { method: 'jwk', alg: 'ES256', publicJwk: holder.publicJwk },
        nonce: c_nonce,
      });
      const { credentialResponse } = await wallet.retrieveCredentials({
        issuerMetadata: metadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: 'driver-license',
        proofs: { jwt: [jwt] },
      });
      const [credential] = credentialsOf(credentialResponse);
      assert.ok(credential);
      // The credential names the issuer with its path, and its status list is reachable as published.
      const payload = JSON.parse(Buffer.from(credential.split('.')[1] ?? '', 'base64url').toString()) as {
        iss: string;
        status: { status_list: { uri: string } };
      };
      assert.equal(payload.iss, `${t.url}/dp`);
      assert.ok(payload.status.status_list.uri.startsWith(`${t.url}/dp/`));
      assert.equal((await fetch(payload.status.status_list.uri)).status, 200);
    });
  });
}
