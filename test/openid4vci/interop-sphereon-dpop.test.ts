/**
 * A second, independent wallet library, @sphereon/oid4vci-client (draft-15 era), takes a
 * DPoP-bound token from our issuer with DPOP_REQUIRED=true: it retries on our use_dpop_nonce
 * with the DPoP-Nonce we send, and the token is bound to its key (cnf.jkt). Real HTTP, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { OpenID4VCIClientV1_0_15 } from '@sphereon/oid4vci-client';
import { calculateJwkThumbprint } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { sphereonDpop } from './sphereon-helpers.js';

for (const backend of storeTargets()) {
  describe(`@sphereon/oid4vci-client with DPoP against our issuer on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', DPOP_REQUIRED: 'true' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    it('takes a DPoP-bound token after our use_dpop_nonce', async () => {
      const type = t.runtime.catalog.get('resident-id')!;
      const created = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example, tx_code: true });
      const client = await OpenID4VCIClientV1_0_15.fromURI({ uri: created.offer, retrieveServerMetadata: true });
      const { jwk, createDPoPOpts } = sphereonDpop();
      const token = await client.acquireAccessToken({ pin: created.tx_code, createDPoPOpts });
      assert.equal(token.token_type, 'DPoP');
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('dpop_jkt')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      assert.equal(row?.dpop_jkt, await calculateJwkThumbprint(jwk));
      assert.ok(client.dpopResponseParams?.dpop?.dpopNonce, 'the library kept our DPoP-Nonce');
    });
  });
}
