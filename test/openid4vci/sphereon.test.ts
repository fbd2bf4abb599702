/**
 * A second, independent wallet library: Sphereon's @sphereon/oid4vci-client (draft-15 era). It
 * sends the pre-1.0 singular `proof`, which this issuer reads as `proofs.jwt` with one entry (see
 * src/issuance/read-proof-list.ts and the README). Real HTTP, real store, real crypto.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { OpenID4VCIClient } from '@sphereon/oid4vci-client';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { sphereonHolder as holder, sdJwtPayload as payloadOf } from './sphereon-helpers.js';

for (const backend of storeTargets()) {
  describe(`Sphereon's oid4vci-client against our issuer on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', DEFERRED_INTERVAL_SECONDS: '1' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    it('receives an SD-JWT VC with its singular pre-1.0 proof, bound to its key, and notifies credential_accepted', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const created = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
      const h = holder();
      const client = await OpenID4VCIClient.fromURI({ uri: created.offer, alg: 'ES256', retrieveServerMetadata: true });
      await client.acquireAccessToken({});
      const response = await client.acquireCredentials({
        credentialTypes: 'driver-license',
        format: 'dc+sd-jwt',
        proofCallbacks: { signCallback: h.signCallback as never },
        jwk: h.publicJwk as never,
        alg: 'ES256',
      });
      const list = (response as { credentials?: { credential: string }[] }).credentials ?? [];
      assert.equal(list.length, 1);
      const payload = payloadOf(list[0]!.credential);
      assert.equal(payload.iss, t.config.publicUrl);
      assert.equal(payload.vct, type.vct);
      assert.equal(await calculateJwkThumbprint((payload.cnf as { jwk: JWK }).jwk), await calculateJwkThumbprint(h.publicJwk));
      const notificationId = (response as { notification_id?: string }).notification_id;
      assert.ok(notificationId);
      const sent = await client.sendNotification(
        { notificationEndpoint: client.endpointMetadata.credentialIssuerMetadata?.notification_endpoint as string },
        { notification_id: notificationId, event: 'credential_accepted' },
        response.access_token,
      );
      assert.equal(sent.error, false, JSON.stringify(sent));
      const [id] = (await t.runtime.store.credentials.list({ limit: 1 })).map((r) => r.id);
      const events = await t.runtime.store.vciIssuance.eventsOf([id!]);
      assert.equal(events.get(id!)?.event, 'credential_accepted');
    });

    it('waits out a deferred issuance the agency completes, polling the deferred credential endpoint', async () => {
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const created = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example, deferred: true });
      const h = holder();
      const client = await OpenID4VCIClient.fromURI({ uri: created.offer, alg: 'ES256', retrieveServerMetadata: true });
      const endpoint = client.endpointMetadata.credentialIssuerMetadata?.deferred_credential_endpoint as string;
      assert.equal(endpoint, `${t.config.publicUrl}/openid4vci/deferred-credential`);
      // Sphereon 0.20.1 reads the issuer's deferred_credential_endpoint into credentialIssuerMetadata
      // but its request builder looks for it at the top of the endpoint metadata: put it there too.
      Object.assign(client.endpointMetadata, { deferred_credential_endpoint: endpoint });
      await client.acquireAccessToken({});
      // The agency completes the issuance a little after the wallet asked.
      const completer = (async () => {
        for (let i = 0; i < 100; i++) {
          const [pending] = await t.runtime.store.vciIssuance.listDeferred((await t.runtime.store.vci.offer(created.id))!.client_id, 1);
          if (pending?.state === 'pending') {
            const r = await t.app.inject({
              method: 'POST',
              url: `/v1/deferred/${pending.id}/complete`,
              headers: { authorization: `Bearer ${issuerKey}` },
              payload: {},
            });
            assert.equal(r.statusCode, 200, r.body);
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('no deferred issuance appeared');
      })();
      const response = await client.acquireCredentials({
        credentialTypes: 'driver-license',
        format: 'dc+sd-jwt',
        proofCallbacks: { signCallback: h.signCallback as never },
        jwk: h.publicJwk as never,
        alg: 'ES256',
        deferredCredentialAwait: true,
        deferredCredentialIntervalInMS: 200,
      });
      await completer;
      const list = (response as { credentials?: { credential: string }[] }).credentials ?? [];
      assert.equal(list.length, 1, JSON.stringify(response));
      assert.equal(payloadOf(list[0]!.credential).vct, type.vct);
    });
  });
}
