/**
 * Notifications (OpenID4VCI §11) and deferred issuance driven by the OpenWallet Foundation's
 * @openid4vc/openid4vci client: the credential response carries a notification_id; the wallet
 * reports credential_accepted / credential_failure / credential_deleted, recorded per issued
 * credential (the registry view, the console) and counted in /metrics by event. Bad notification
 * requests get the spec's codes. Real HTTP, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { credentialsOf, owfWallet, walletKey } from './owf-wallet.js';

for (const backend of storeTargets()) {
  describe(`notifications and deferred issuance with @openid4vc/openid4vci on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    const TYPE = 'driver-license';
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', DEFERRED_INTERVAL_SECONDS: '1' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    /** Offer → metadata → token → nonce → credential request with `n` keys, by the library. */
    async function receive(body: Record<string, unknown>, n = 1) {
      const created = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, ...body });
      const wallet = owfWallet();
      const offer = await wallet.resolveCredentialOffer(created.offer);
      const issuerMetadata = await wallet.resolveIssuerMetadata(offer.credential_issuer);
      const { accessTokenResponse } = await wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata,
      });
      const { c_nonce } = await wallet.requestNonce({ issuerMetadata });
      const jwts = [];
      for (let i = 0; i < n; i++) {
        const k = walletKey();
        jwts.push(
          (
            await wallet.createCredentialRequestJwtProof({
              issuerMetadata,
              credentialConfigurationId: TYPE,
              signer: { method: 'jwk', alg: 'ES256', publicJwk: k.publicJwk },
              nonce: c_nonce,
            })
          ).jwt,
        );
      }
      const { credentialResponse } = await wallet.retrieveCredentials({
        issuerMetadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: TYPE,
        proofs: { jwt: jwts },
      });
      return { wallet, issuerMetadata, accessToken: accessTokenResponse.access_token, credentialResponse };
    }

    const records = async () =>
      (
        (await t.app.inject({ url: '/v1/credentials?limit=50', headers: { authorization: `Bearer ${issuerKey}` } })).json() as {
          items: { id: string; wallet_event: { event: string; at: string } | null }[];
        }
      ).items;
    const metric = async (event: string) => {
      const text = (await t.app.inject({ url: '/metrics' })).body;
      const m = new RegExp(`^dproof_wallet_notifications_total\\{event="${event}"\\} (\\d+)$`, 'm').exec(text);
      return m ? Number(m[1]) : 0;
    };

    it('records credential_accepted for every credential of the response, shows it in the registry, counts it in /metrics', async () => {
      const { wallet, issuerMetadata, accessToken, credentialResponse } = await receive({}, 2);
      assert.equal(credentialsOf(credentialResponse).length, 2);
      const notificationId = credentialResponse.notification_id;
      assert.ok(notificationId);
      const before = await metric('credential_accepted');
      const sent = await wallet.sendNotification({
        issuerMetadata,
        accessToken,
        notification: { notificationId, event: 'credential_accepted' },
      });
      assert.equal(sent.response.status, 204);
      // Idempotent (§11): the same notification again succeeds.
      const again = await wallet.sendNotification({
        issuerMetadata,
        accessToken,
        notification: { notificationId, event: 'credential_accepted' },
      });
      assert.equal(again.response.status, 204);
      const accepted = (await records()).filter((r) => r.wallet_event?.event === 'credential_accepted');
      assert.equal(accepted.length, 2);
      const one = await t.app.inject({ url: `/v1/credentials/${accepted[0]!.id}`, headers: { authorization: `Bearer ${issuerKey}` } });
      assert.equal(one.json().wallet_event.event, 'credential_accepted');
      assert.equal(await metric('credential_accepted'), before + 2);
    });

    it('records credential_deleted and credential_failure (with a description), the latest event winning', async () => {
      const { wallet, issuerMetadata, accessToken, credentialResponse } = await receive({});
      const notificationId = credentialResponse.notification_id!;
      await wallet.sendNotification({
        issuerMetadata,
        accessToken,
        notification: { notificationId, event: 'credential_failure', eventDescription: 'Out of storage.' },
      });
      assert.equal((await records())[0]!.wallet_event?.event, 'credential_failure');
      await wallet.sendNotification({ issuerMetadata, accessToken, notification: { notificationId, event: 'credential_deleted' } });
      assert.equal((await records())[0]!.wallet_event?.event, 'credential_deleted');
      assert.ok((await metric('credential_failure')) >= 1);
      assert.ok((await metric('credential_deleted')) >= 1);
    });

    it('refuses an unknown notification_id, another token, an unknown event and a malformed body with the spec codes', async () => {
      const a = await receive({});
      const b = await receive({});
      const url = `${t.url}/openid4vci/notification`;
      const post = (token: string | undefined, body: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
          body: JSON.stringify(body),
        });
      const expect = async (r: Response, status: number, error: string) => {
        assert.equal(r.status, status);
        assert.equal(((await r.json()) as { error: string }).error, error);
      };
      const id = a.credentialResponse.notification_id!;
      await expect(await post(a.accessToken, { notification_id: 'nope', event: 'credential_accepted' }), 400, 'invalid_notification_id');
      // b's token may not report on a's credentials.
      await expect(await post(b.accessToken, { notification_id: id, event: 'credential_accepted' }), 400, 'invalid_notification_id');
      await expect(await post(a.accessToken, { notification_id: id, event: 'credential_stolen' }), 400, 'invalid_notification_request');
      await expect(await post(a.accessToken, { event: 'credential_accepted' }), 400, 'invalid_notification_request');
      // A notification_id of the wrong type or length is told so, not that it "is required".
      for (const [notificationId, says] of [
        [7, /notification_id must be a string/],
        ['x'.repeat(129), /notification_id is longer than 128 characters/],
        ['', /notification_id must not be empty/],
      ] as const) {
        const r = await post(a.accessToken, { notification_id: notificationId, event: 'credential_accepted' });
        assert.equal(r.status, 400);
        assert.match(((await r.json()) as { error_description: string }).error_description, says);
      }
      await expect(
        await post(a.accessToken, { notification_id: id, event: 'credential_accepted', event_description: 'say "hi"' }),
        400,
        'invalid_notification_request',
      );
      await expect(await post(a.accessToken, [id]), 400, 'invalid_notification_request');
      await expect(await post(undefined, { notification_id: id, event: 'credential_accepted' }), 401, 'invalid_token');
      await expect(await post('not-a-token', { notification_id: id, event: 'credential_accepted' }), 401, 'invalid_token');
      // Nothing was recorded by the refused requests.
      assert.equal((await t.runtime.store.vciIssuance.notification(id))?.event, null);
    });

    it('takes a deferred issuance to its credentials with the library: 202, pending, completed, then notifies', async () => {
      const { wallet, issuerMetadata, accessToken, credentialResponse } = await receive({ deferred: true });
      assert.equal(credentialResponse.credentials, undefined);
      const transactionId = credentialResponse.transaction_id!;
      assert.ok(transactionId);
      assert.equal(credentialResponse.interval, 1);
      const pending = await wallet.retrieveDeferredCredentials({ issuerMetadata, accessToken, transactionId });
      assert.equal(pending.response.status, 202);
      assert.equal(pending.deferredCredentialResponse.transaction_id, transactionId);

      const [item] = (
        (await t.app.inject({ url: '/v1/deferred', headers: { authorization: `Bearer ${issuerKey}` } })).json() as {
          items: { id: string }[];
        }
      ).items;
      const done = await t.app.inject({
        method: 'POST',
        url: `/v1/deferred/${item!.id}/complete`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: {},
      });
      assert.equal(done.statusCode, 200, done.body);

      // OpenID4VCI §9.2: the deferred response MAY carry notification_id with the credentials, and
      // ours does. @openid4vc/openid4vci's zDeferredCredentialResponse refuses exactly that
      // combination (its check is inverted: "notification_id MUST NOT be defined when credentials
      // is not defined" fires when credentials IS defined) after the server handed them out, so the
      // final poll is a plain request.
      const ready = (await (
        await fetch(issuerMetadata.credentialIssuer.deferred_credential_endpoint!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
          body: JSON.stringify({ transaction_id: transactionId }),
        })
      ).json()) as { credentials: { credential: string }[]; notification_id: string };
      assert.equal(credentialsOf(ready).length, 1);
      const notificationId = ready.notification_id;
      const sent = await wallet.sendNotification({
        issuerMetadata,
        accessToken,
        notification: { notificationId, event: 'credential_accepted' },
      });
      assert.equal(sent.response.status, 204);
      assert.equal((await records())[0]!.wallet_event?.event, 'credential_accepted');
    });
  });
}
