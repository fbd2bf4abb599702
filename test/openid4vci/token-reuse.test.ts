/**
 * An access token serves several credential requests within its lifetime, each with fresh
 * c_nonces and proofs; what it covers is issued at most once per credential configuration
 * (issue 18). An offer covers several configurations when it offers the same claims in several
 * formats (`formats`).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { parseApiKey } from '../../src/clients/api-key.js';
import { accessToken, credentialRequest, fetchOffer, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`one access token, several credential requests, on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    const TYPE = 'driver-license';
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const sdJwtRequest = async (token: string) =>
      credentialRequest(t, token, {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
      });

    it('issues each covered configuration once: SD-JWT VC, then the same SD-JWT VC is refused, then the VC-JWT is issued', async () => {
      const claims = t.runtime.catalog.get(TYPE)!.example;
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims, formats: ['dc+sd-jwt', 'vc+jwt'] });
      const object = (await fetchOffer(t, offer)).json() as { credential_configuration_ids: string[] };
      assert.deepEqual(object.credential_configuration_ids, [TYPE, `${TYPE}-vc-jwt`]);
      const token = await accessToken(t, offer);
      const before = await t.runtime.store.credentials.count();

      const first = await sdJwtRequest(token);
      assert.equal(first.statusCode, 200, first.body);
      // The same configuration again, with a fresh nonce and key: a clear refusal, nothing issued.
      const again = await sdJwtRequest(token);
      assert.equal(again.statusCode, 400, again.body);
      assert.equal(again.json().error, 'credential_request_denied');
      assert.match(again.json().error_description, /already received this credential configuration/);
      assert.equal(await t.runtime.store.credentials.count(), before + 1);

      // Another configuration the token covers: issued.
      const vc = await credentialRequest(t, token, { credential_configuration_id: `${TYPE}-vc-jwt` });
      assert.equal(vc.statusCode, 200, vc.body);
      assert.equal((vc.json() as { credentials: unknown[] }).credentials.length, 1);
      assert.equal(await t.runtime.store.credentials.count(), before + 2);

      // Everything it covers was issued: the token is used up, and the offer's claims are gone.
      const used = await credentialRequest(t, token, { credential_configuration_id: `${TYPE}-vc-jwt` });
      assert.equal(used.statusCode, 401);
      assert.equal(used.json().error, 'invalid_token');
      const row = await t.runtime.store.vci.offer(offer.id);
      assert.equal(row?.claims, null);
      assert.notEqual(row?.issued_at, null);
    });

    it('keeps the token for the configuration not yet asked for when a request for one fails (bad nonce)', async () => {
      const claims = t.runtime.catalog.get(TYPE)!.example;
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims, formats: ['dc+sd-jwt', 'vc+jwt'] });
      const token = await accessToken(t, offer);
      const bad = await credentialRequest(t, token, {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: 'never-issued' })] },
      });
      assert.equal(bad.json().error, 'invalid_nonce');
      assert.equal((await sdJwtRequest(token)).statusCode, 200);
      assert.equal((await credentialRequest(t, token, { credential_configuration_id: `${TYPE}-vc-jwt` })).statusCode, 200);
    });

    it('refuses a configuration the token does not cover, and the same configuration twice in one race, issuing it once', async () => {
      const claims = t.runtime.catalog.get(TYPE)!.example;
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims, formats: ['dc+sd-jwt', 'vc+jwt'] });
      const token = await accessToken(t, offer);
      const other = await credentialRequest(t, token, { credential_configuration_id: 'resident-id' });
      assert.equal(other.statusCode, 403);
      assert.equal(other.json().error, 'insufficient_scope');
      const before = await t.runtime.store.credentials.count();
      const race = await Promise.all([sdJwtRequest(token), sdJwtRequest(token), sdJwtRequest(token)]);
      assert.deepEqual(race.map((r) => r.statusCode).sort(), [200, 400, 400]);
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
    });

    it("refuses the credential once the offer's issuer client is revoked, issuing nothing and keeping the offer", async () => {
      const ownKey = await t.apiKey('issuer');
      const clientId = parseApiKey(ownKey)!.clientId;
      const offer = await makeOffer(t, ownKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example });
      const token = await accessToken(t, offer);
      assert.equal(await t.runtime.store.clients.revoke(clientId, t.runtime.clock.now()), true);
      const before = await t.runtime.store.credentials.count();
      const r = await sdJwtRequest(token);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error, 'credential_request_denied');
      assert.match(r.json().error_description, /can no longer issue/);
      assert.equal(await t.runtime.store.credentials.count(), before);
      const row = await t.runtime.store.vci.offer(offer.id);
      assert.equal(row?.issued_at, null);
      assert.notEqual(row?.claims, null);
    });

    it('refuses an offer whose formats repeat or include one the type is not issued in', async () => {
      const claims = t.runtime.catalog.get(TYPE)!.example;
      const twice = await t.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { type: TYPE, claims, formats: ['dc+sd-jwt', 'dc+sd-jwt'] },
      });
      assert.equal(twice.statusCode, 400);
      assert.equal(twice.json().code, 'invalid_request');
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { authorization: `Bearer ${issuerKey}` },
        // disability-eligibility is not issued as an mdoc.
        payload: {
          type: 'disability-eligibility',
          claims: t.runtime.catalog.get('disability-eligibility')!.example,
          formats: ['dc+sd-jwt', 'mso_mdoc'],
        },
      });
      assert.equal(unknown.statusCode, 400);
    });
  });
}
