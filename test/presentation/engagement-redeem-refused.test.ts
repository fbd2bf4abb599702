/**
 * A redeem that is refused, or that fails on a store fault, leaves the holder's handle as it was
 * (README: "A refused redeem stores nothing"): the next clerk's redeem of the same QR is served,
 * and the waiting wallet gets that clerk's request. Every check that can refuse runs before the
 * handle is taken, and the handle is taken together with the request it is handed, so it is
 * never spent on a request nobody received. A fault whose outcome is unknown (the claim failed,
 * or committed and the answer was lost) never deletes the request made for it: it expires unused.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/test-app.js';
import { startEngagementWorld, type Engagement, type EngagementWorld } from './engagement-world.js';
import { storeTargets } from '../helpers/stores.js';
import { parseApiKey } from '../../src/clients/api-key.js';
import { engagementHash } from '../../src/presentation/engagement/engagement-hash.js';

for (const backend of storeTargets()) {
  describe(`a refused counter redeem on ${backend}`, () => {
    let w: EngagementWorld;
    let t: TestApp;
    let clerk: string;
    let otherClerk: string;

    beforeAll(async () => {
      w = await startEngagementWorld(backend);
      t = w.t;
      clerk = await t.apiKey('verifier');
      otherClerk = await t.apiKey('verifier');
    });
    afterAll(() => t.close());

    const engage = () => w.engage();
    const redeem = (key: string, engagement: string) => w.redeem(key, engagement);
    const wait = (token: string) => w.wait(token);
    const requestIds = async () => (await t.runtime.store.db.selectFrom('verifier_requests').select('id').execute()).map((r) => r.id);
    const row = (e: Engagement) => t.runtime.store.engagements.byHandle(engagementHash('handle', e.handle));

    /** The handle is as it was made, no request was kept (or `kept` more), and another clerk's redeem is served. */
    const stillUnspent = async (e: Engagement, requestsBefore: string[], kept = 0) => {
      const rec = await row(e);
      assert.ok(rec, 'the engagement is still there');
      assert.deepEqual(
        [rec.client_id, rec.request_id, rec.authorization_request, rec.redeemed_at],
        [null, null, null, null],
        'the handle is not spent',
      );
      const after = await requestIds();
      assert.equal(after.length, requestsBefore.length + kept, `${kept} request(s) kept`);
      assert.ok(
        requestsBefore.every((id) => after.includes(id)),
        'no earlier request went',
      );
      assert.equal((await wait(e.wait_token)).status, 'waiting');
      const next = await redeem(otherClerk, e.link);
      assert.equal(next.statusCode, 201, next.body);
      const created = next.json<{ id: string; authorization_request: string }>();
      assert.deepEqual(await wait(e.wait_token), { status: 'requested', authorization_request: created.authorization_request });
    };

    it('a redeem refused for want of an X.509 identity (no_verifier_identity) leaves the handle for the next clerk', async () => {
      const noIdentity = await t.apiKey('verifier');
      const { clientId } = parseApiKey(noIdentity)!;
      assert.ok(await t.runtime.store.verifierIdentities.setDefaultPrefix(clientId, 'x509_san_dns'));
      const e = await engage();
      const before = await requestIds();
      const refused = await redeem(noIdentity, e.link);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json<{ code: string }>().code, 'no_verifier_identity');
      await stillUnspent(e, before);
    });

    /** Redeems a new handle while `method` of `repo` fails with a store fault; the redeem answers 500. */
    const redeemWithFault = async <R extends object>(repo: R, method: keyof R, fault: R[keyof R]) => {
      const original = repo[method];
      repo[method] = fault;
      const e = await engage();
      const before = await requestIds();
      try {
        const failed = await redeem(clerk, e.link);
        assert.equal(failed.statusCode, 500, failed.body);
      } finally {
        repo[method] = original;
      }
      return { e, before };
    };
    const storeFault = () => Promise.reject(new Error('simulated store fault'));

    it('a store fault while the request is stored leaves the handle unspent', async () => {
      const { e, before } = await redeemWithFault(t.runtime.store.verifierRequests, 'insert', storeFault);
      await stillUnspent(e, before);
    });

    it('a store fault while the handle is taken leaves the handle unspent; the request, its claim unknown, is left to expire', async () => {
      const { e, before } = await redeemWithFault(t.runtime.store.engagements, 'claim', storeFault);
      await stillUnspent(e, before, 1);
    });

    it('a fault after the claim committed (the answer lost) keeps the request the wallet was handed', async () => {
      const repo = t.runtime.store.engagements;
      const { claim } = repo;
      const { e } = await redeemWithFault(repo, 'claim', async (...args: Parameters<typeof claim>) => {
        assert.equal(await claim(...args), true);
        throw new Error('simulated lost answer');
      });
      const rec = await row(e);
      assert.ok(rec?.request_id && rec.authorization_request);
      assert.ok((await requestIds()).includes(rec.request_id), 'the request handed to the wallet is kept');
      assert.deepEqual(await wait(e.wait_token), { status: 'requested', authorization_request: rec.authorization_request });
      const late = await redeem(otherClerk, e.link);
      assert.equal(late.statusCode, 409, late.body);
      assert.equal(late.json<{ code: string }>().code, 'engagement_used');
    });
  });
}
