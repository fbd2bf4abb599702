/**
 * The reference CLI wallet (`dproof wallet receive`) does DPoP: with DPOP_REQUIRED=true it takes
 * a DPoP-bound token (after the server's use_dpop_nonce) and the credential with a proof by the
 * same key carrying `ath`; real HTTP, real stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { receiveCredentials } from '../../src/wallet/receive-credentials.js';
import { createWalletKey } from '../../src/wallet/create-wallet-key.js';
import { makeOffer } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`the CLI wallet with DPoP required on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', DPOP_REQUIRED: 'true', BATCH_SIZE: '2' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    it('receives a batch through a DPoP-bound token', async () => {
      const type = t.runtime.catalog.get('civil-servant-id')!;
      const o = await makeOffer(t, issuerKey, { type: 'civil-servant-id', claims: type.example, tx_code: true });
      const wallet = {
        version: 1 as const,
        created_at: new Date().toISOString(),
        keys: [await createWalletKey(new Date())],
        credentials: [],
      };
      const { received } = await receiveCredentials(wallet, { offerLink: o.offer, txCode: o.tx_code, count: 2 });
      assert.equal(received.length, 2);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('dpop_jkt')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      assert.match(row?.dpop_jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
    });
  });
}
