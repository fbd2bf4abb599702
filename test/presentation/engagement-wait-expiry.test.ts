/**
 * The wallet's wait (GET /v1/wallet/engagements/request) says `expired` whenever there is nothing
 * left to collect: the handle passed its expiry without a request being delivered (whoever took
 * it), or the request it was handed has expired itself (its request object now answers
 * invalid_request_uri), so the wallet makes a new QR instead of waiting or opening a dead link.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/test-app.js';
import { startEngagementWorld, type Engagement, type EngagementWorld } from './engagement-world.js';
import { storeTargets } from '../helpers/stores.js';
import { engagementHash } from '../../src/presentation/engagement/engagement-hash.js';

for (const backend of storeTargets()) {
  describe(`the wait of a counter engagement on ${backend}`, () => {
    let w: EngagementWorld;
    let t: TestApp;
    let clerk: string;

    beforeAll(async () => {
      w = await startEngagementWorld(backend);
      t = w.t;
      clerk = await t.apiKey('verifier');
    });
    afterAll(() => t.close());

    const engage = () => w.engage();
    const redeem = async (e: Engagement) => {
      const res = await w.redeem(clerk, e.link);
      assert.equal(res.statusCode, 201, res.body);
      return res.json<{ id: string; authorization_request: string; request_uri: string; expires_at: string }>();
    };
    const wait = (e: Engagement) => w.wait(e.wait_token);
    const requestObject = async (requestUri: string) =>
      (await t.app.inject({ method: 'GET', url: new URL(requestUri).pathname })).json<{ error?: string }>().error;

    it('says expired for a handle taken by a counter but never handed a request, once past its expiry', async () => {
      const e = await engage();
      // What a redeem that failed after taking the handle left behind before the claim carried the request.
      await t.runtime.store.db
        .updateTable('counter_engagements')
        .set({ client_id: 'a-clerk', redeemed_at: t.clock.now() })
        .where('handle_hash', '=', engagementHash('handle', e.handle))
        .execute();
      assert.equal((await wait(e)).status, 'waiting', 'before its expiry the wallet still waits');
      t.clock.advance((e.expires_in + 1) * 1000);
      assert.deepEqual(await wait(e), { status: 'expired' });
    });

    it('says requested while the request it was handed can be fetched, and expired once that request has expired', async () => {
      const e = await engage();
      const created = await redeem(e);
      assert.deepEqual(await wait(e), { status: 'requested', authorization_request: created.authorization_request });
      // Past the handle's expiry the request still stands: the wallet may collect it late.
      t.clock.advance((e.expires_in + 1) * 1000);
      assert.equal(Date.parse(created.expires_at) > t.clock.now(), true, 'the request outlives the handle');
      assert.deepEqual(await wait(e), { status: 'requested', authorization_request: created.authorization_request });
      t.clock.advance(Date.parse(created.expires_at) - t.clock.now() + 1000);
      assert.equal(await requestObject(created.request_uri), 'invalid_request_uri', 'the request object is gone');
      assert.deepEqual(await wait(e), { status: 'expired' });
    });

    it('says expired when the request it was handed is no longer stored', async () => {
      const e = await engage();
      const created = await redeem(e);
      await t.runtime.store.db.deleteFrom('verifier_requests').where('id', '=', created.id).execute();
      assert.deepEqual(await wait(e), { status: 'expired' });
    });
  });
}
