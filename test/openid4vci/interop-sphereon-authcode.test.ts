/**
 * The second independent wallet library, @sphereon/oid4vci-client 0.20.1, beyond the
 * pre-authorized flow of sphereon.test.ts: (a) the Authorization Code Flow with PAR + PKCE against
 * our authorization server and a real local OpenID provider (oidc-provider), where the citizen
 * logs in; (b) the pre-authorized flow where WALLET_ATTESTATION_REQUIRED asks for a wallet
 * attestation (attest_jwt_client_auth). Real HTTP, real store, real crypto; both stores.
 *
 * Library gaps worked around here, in the test only (each named where it is done):
 * - SPHEREON-1: no attestation-based client authentication at all (it has only JWT-bearer client
 *   assertions); the test adds OAuth-Client-Attestation / -PoP to its token request.
 * - SPHEREON-2: a PAR built from a credential offer also sends `state` = the offer's issuer_state
 *   (a secret of the offer echoed back as the wallet's own state) and `scope=openid`; our server
 *   takes both (the scope names no credential configuration and is ignored beside
 *   authorization_details), so nothing is needed but this note.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { AccessTokenClient, OpenID4VCIClient } from '@sphereon/oid4vci-client';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { holderKey, makeOffer } from './vci-helpers.js';
import { clientAttestation, clientAttestationPop, providersFile, walletProvider } from './attestation-helpers.js';
import { browse, startAuthorizationCodeWorld, type AuthorizationCodeWorld } from './authorization-code-helpers.js';
import { sphereonHolder, sdJwtPayload } from './sphereon-helpers.js';

const WALLET_REDIRECT = 'http://127.0.0.1:9/sphereon-callback';
const CLIENT_ID = 'https://wallet.example/sphereon';
const provider = walletProvider('Sphereon Test Wallet Provider');

/** One SD-JWT VC of `configuration` through the client's credential request, with a fresh holder key. */
async function receiveOne(client: OpenID4VCIClient, configuration: string) {
  const h = sphereonHolder();
  const response = await client.acquireCredentials({
    credentialTypes: configuration,
    format: 'dc+sd-jwt',
    proofCallbacks: { signCallback: h.signCallback as never },
    jwk: h.publicJwk as never,
    alg: 'ES256',
  });
  const list = (response as { credentials?: { credential: string }[] }).credentials ?? [];
  assert.equal(list.length, 1, JSON.stringify(response));
  return { payload: sdJwtPayload(list[0]!.credential), holderJwk: h.publicJwk };
}

type SendAuthCode = (url: string, request: unknown, opts?: { headers?: Record<string, string> }) => Promise<unknown>;

for (const backend of storeTargets()) {
  describe(`@sphereon/oid4vci-client: authorization code with PAR + PKCE, and a wallet attestation, on ${backend}`, () => {
    let world: AuthorizationCodeWorld;
    let t: TestApp;
    beforeAll(async () => {
      world = await startAuthorizationCodeWorld(backend, {
        TRUSTED_WALLET_PROVIDERS: providersFile([provider]),
        WALLET_ATTESTATION_REQUIRED: 'resident-id',
      });
      t = world.t;
    });
    afterAll(async () => {
      await world?.close();
    });

    it('(a) runs PAR + PKCE from an offer with issuer_state, the citizen logs in at the OpenID provider, and receives the credential', async () => {
      const type = t.runtime.catalog.get('driver-license')!;
      world.source.behaviour = 'grant';
      world.source.claims = type.example;
      const created = await makeOffer(t, world.issuerKey, { type: 'driver-license', grant: 'authorization_code' });
      const client = await OpenID4VCIClient.fromURI({
        uri: created.offer,
        clientId: 'sphereon-wallet',
        retrieveServerMetadata: true,
        createAuthorizationRequestURL: false,
      });
      const url = await client.createAuthorizationRequestUrl({
        authorizationRequest: { redirectUri: WALLET_REDIRECT, clientId: 'sphereon-wallet' },
      });
      // PAR was used (require_pushed_authorization_requests): the URL carries only client_id and request_uri.
      const sent = new URL(url);
      assert.equal(`${sent.origin}${sent.pathname}`, `${t.url}/oauth/authorize`);
      assert.match(sent.searchParams.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:/);
      assert.equal(sent.searchParams.get('code_challenge'), null);
      const stored = await t.runtime.store.db
        .selectFrom('authorization_requests')
        .select(['code_challenge', 'configuration_id', 'client_id', 'state', 'offer_id'])
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(stored.configuration_id, 'driver-license');
      assert.equal(stored.client_id, 'sphereon-wallet');
      assert.equal(stored.code_challenge.length, 43, 'an S256 challenge');
      assert.equal(stored.offer_id, created.id, 'issuer_state bound the request to the offer');
      // SPHEREON-2: the library's own state is the offer's issuer_state.
      assert.equal(stored.state, client.credentialOffer?.issuerState);

      const back = await browse(url, WALLET_REDIRECT);
      assert.ok(back.searchParams.get('code'), back.toString());
      const token = await client.acquireAccessToken({ authorizationResponse: back.toString() });
      assert.equal(token.token_type, 'Bearer');

      const before = await t.runtime.store.credentials.count();
      const { payload, holderJwk } = await receiveOne(client, 'driver-license');
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
      assert.equal(payload.vct, type.vct);
      assert.equal(await calculateJwkThumbprint((payload.cnf as { jwk: JWK }).jwk), await calculateJwkThumbprint(holderJwk));
    });

    it('(b) takes a pre-authorized token with a wallet attestation where WALLET_ATTESTATION_REQUIRED asks for one, and is refused without', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const created = await makeOffer(t, world.issuerKey, { type: 'resident-id', claims: type.example });
      const open = () => OpenID4VCIClient.fromURI({ uri: created.offer, retrieveServerMetadata: true });

      // Without an attestation: refused (invalid_client, 401), and the code stays redeemable.
      await assert.rejects((await open()).acquireAccessToken({}), /failed with status: 401/);

      // SPHEREON-1: the library has no attest_jwt_client_auth; its token requests all go through
      // AccessTokenClient.sendAuthCode, so the test adds the two headers there (a fresh PoP each
      // call), for this one request, and puts the method back.
      const proto = AccessTokenClient.prototype as unknown as { sendAuthCode: SendAuthCode };
      const original = proto.sendAuthCode;
      const instance = holderKey();
      proto.sendAuthCode = async function (url, request, opts) {
        const headers = {
          ...opts?.headers,
          'OAuth-Client-Attestation': await clientAttestation(provider, instance, { sub: CLIENT_ID }),
          'OAuth-Client-Attestation-PoP': await clientAttestationPop(instance, { aud: t.config.publicUrl }),
        };
        return original.call(this, url, request, { headers });
      };
      const client = await open();
      try {
        await client.acquireAccessToken({});
      } finally {
        proto.sendAuthCode = original;
      }
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('wallet_client')
        .where('offer_id', '=', created.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.wallet_client, CLIENT_ID);

      assert.equal((await receiveOne(client, 'resident-id')).payload.vct, type.vct);
    });
  });
}
