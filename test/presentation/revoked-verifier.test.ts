/**
 * A verifier client revoked while its requests are open: its key stops at once (401), and so do
 * its requests. The request object is not signed for it any more (invalid_request_uri), a wallet's
 * answer is refused with the request left as it was (no claims taken, no receipt, nothing in a
 * holder's history), and a wallet waiting at the counter is told its handed request is over.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { rowCount } from '../helpers/row-count.js';
import { ageOver19Query, createDcqlRequest, generateHolderKey, issueViaApi, postDirectPost, presentTo } from './helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { verifierClientId } from '../../src/presentation/verifier-identity.js';

for (const backend of storeTargets()) {
  describe(`a revoked verifier client's open requests (${backend})`, () => {
    let t: TestApp;
    let holder: HolderKey;
    let credential: string;
    let vct: string;

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder));
      vct = t.runtime.catalog.get('driver-license')!.vct;
    });
    afterAll(async () => t?.close());

    /** A verifier client of its own (made through the admin API) and its key. */
    async function verifier(): Promise<{ id: string; key: string }> {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/clients',
        headers: { authorization: `Bearer ${await t.apiKey('admin')}` },
        payload: { name: '편의점', role: 'verifier' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const made = res.json<{ apiKey: string; client: { id: string } }>();
      return { id: made.client.id, key: made.apiKey };
    }
    const revoke = async (id: string) => assert.equal(await t.runtime.store.clients.revoke(id, t.runtime.clock.now()), true);
    const problem = (res: { statusCode: number; json: <T>() => T }) => ({ status: res.statusCode, ...res.json<{ error: string }>() });

    it('no request object, no answer taken: the request stays as it was, with no receipt', async () => {
      const v = await verifier();
      const { id } = await createDcqlRequest(t.app, v.key, ageOver19Query(vct));
      const rec = (await t.runtime.store.verifierRequests.get(id))!;
      const path = `/openid4vp/requests/${id}`;
      assert.equal((await t.app.inject({ method: 'GET', url: path })).statusCode, 200, 'served while the client is active');
      await revoke(v.id);

      for (const kind of ['svg', 'png']) {
        const qr = await t.app.inject({ method: 'GET', url: `${path}/qr.${kind}` });
        assert.equal(qr.statusCode, 400, kind);
        assert.equal(qr.json<{ error: string }>().error, 'invalid_request_uri', kind);
      }
      const fetched = await t.app.inject({ method: 'GET', url: path });
      assert.equal(problem(fetched).status, 400);
      assert.equal(problem(fetched).error, 'invalid_request_uri');
      assert.match(fetched.body, /revoked/);

      const receipts = await rowCount(t, 'verification_receipts');
      const vp = await presentTo(credential, holder, verifierClientId(t.config.publicUrl), rec.nonce);
      const answered = await postDirectPost(t.app, rec.state, { licence: [vp] });
      assert.equal(answered.statusCode, 400, answered.body);
      assert.equal(answered.json<{ error: string }>().error, 'invalid_request');
      assert.match(answered.body, /revoked/);
      const declined = await t.app.inject({
        method: 'POST',
        url: '/openid4vp/response',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ state: rec.state, error: 'access_denied' }).toString(),
      });
      assert.equal(declined.statusCode, 400, declined.body);
      const after = (await t.runtime.store.verifierRequests.get(id))!;
      assert.equal(after.responded_at, null, 'the request was not taken');
      assert.equal(await rowCount(t, 'verification_receipts'), receipts, 'no receipt');
    });

    it('a wallet waiting at the counter hears expired once the client that took its handle is revoked', async () => {
      const v = await verifier();
      const made = await t.app.inject({ method: 'POST', url: '/v1/wallet/engagements' });
      assert.equal(made.statusCode, 201, made.body);
      const e = made.json<{ link: string; wait_token: string }>();
      const redeemed = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/engagements',
        headers: { authorization: `Bearer ${v.key}` },
        payload: { engagement: e.link, dcql_query: { credentials: [ageOver19Query(vct)] } },
      });
      assert.equal(redeemed.statusCode, 201, redeemed.body);
      const waitNow = async () =>
        (
          await t.app.inject({
            method: 'GET',
            url: '/v1/wallet/engagements/request?wait=0',
            headers: { authorization: `Bearer ${e.wait_token}` },
          })
        ).json<{ status: string }>().status;
      assert.equal(await waitNow(), 'requested');
      await revoke(v.id);
      assert.equal(await waitNow(), 'expired');
    });
  });
}
