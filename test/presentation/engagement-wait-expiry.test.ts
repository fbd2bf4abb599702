/**
 * The wallet's wait (GET /v1/wallet/engagements/request) says `expired` whenever there is nothing
 * left to collect: the handle passed its expiry without a request being delivered (whoever took
 * it), or the request it was handed has expired itself (its request object now answers
 * invalid_request_uri), so the wallet makes a new QR instead of waiting or opening a dead link.
 *
 * How many waits are held is bounded per client address (an IPv6 /64 as one), per wait token and
 * per node (small bounds here): a wait past one is answered at once, `waiting` with Retry-After,
 * while other clients' waits are still held and answered; every place is given back.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/test-app.js';
import { startEngagementWorld, type Engagement, type EngagementWorld } from './engagement-world.js';
import { storeTargets } from '../helpers/stores.js';
import { engagementHash } from '../../src/presentation/engagement/engagement-hash.js';
import { HeldWaits } from '../../src/presentation/engagement/held-waits.js';
import type { LightMyRequestResponse } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

for (const backend of storeTargets()) {
  describe(`the wait of a counter engagement on ${backend}`, () => {
    let w: EngagementWorld;
    let t: TestApp;
    let clerk: string;
    const waits = new HeldWaits({ perNode: 10, perAddress: 3, perToken: 2 });

    beforeAll(async () => {
      w = await startEngagementWorld(backend, { heldWaits: waits });
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

    /** Waits until `ok`, a few seconds at most. */
    const until = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await sleep(50);
      assert.ok(ok(), what);
    };
    /** A 20 s wait from `address` that the service holds (counted before this returns); its answer later. */
    const held = async (e: Engagement, address: string) => {
      const before = waits.counts.waits;
      const answer = w.longPoll(e.wait_token, 20, address);
      await until(`a wait from ${address} is held`, () => waits.counts.waits === before + 1);
      return { answer };
    };
    /** A 20 s wait from `address` answered at once: waiting, with Retry-After, and nothing more held. */
    const notHeld = async (e: Engagement, address: string) => {
      const before = waits.counts.waits;
      const started = Date.now();
      const res = await w.longPoll(e.wait_token, 20, address);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ status: string }>().status, 'waiting', address);
      assert.equal(res.headers['retry-after'], '3', address);
      assert.ok(Date.now() - started < 2000, `a wait from ${address} past a bound is answered at once`);
      assert.equal(waits.counts.waits, before);
    };
    /** A held wait's answer once its engagement is redeemed: the request, without Retry-After. */
    const answered = async (e: Engagement, answer: Promise<LightMyRequestResponse>) => {
      const created = await redeem(e);
      const res = await answer;
      assert.deepEqual(res.json(), { status: 'requested', authorization_request: created.authorization_request });
      assert.equal(res.headers['retry-after'], undefined);
    };

    it('holds at most 3 waits per address (an IPv6 /64 as one), 2 per wait token, 10 per node; past one a wait answers waiting with Retry-After at once, the others are held and answered', async () => {
      const holding: [Engagement, Promise<LightMyRequestResponse>][] = [];
      const hold = async (address: string, e?: Engagement) => {
        const engagement = e ?? (await engage());
        holding.push([engagement, (await held(engagement, address)).answer]);
      };
      // One address, as many handles as it likes: three held, the fourth not.
      for (let i = 0; i < 3; i++) await hold('198.51.100.7');
      await notHeld(await engage(), '198.51.100.7');
      // Other addresses of one /64 count as one; another /64 is another client.
      for (const address of ['2001:db8:0:1::a', '2001:db8:0:1::b', '2001:db8:0:1:ffff:ffff:ffff:ffff']) await hold(address);
      await notHeld(await engage(), '2001:db8:0:1::c');
      await hold('2001:db8:0:2::a');
      // One wait token: two held, a third not, from whichever address.
      const shared = await engage();
      await hold('198.51.100.9', shared);
      await hold('198.51.100.9', shared);
      await notHeld(shared, '198.51.100.10');
      assert.deepEqual(waits.counts, { waits: 9, addresses: 4, tokens: 8 });
      // The node: its tenth, then no more.
      await hold('198.51.100.10');
      await notHeld(await engage(), '198.51.100.11');
      // The held waits are still held and answered when a counter redeems; every place comes back.
      const redeemed = new Set<string>();
      for (const [e, answer] of holding) {
        if (redeemed.has(e.handle)) {
          const res = await answer;
          assert.equal(res.json<{ status: string }>().status, 'requested');
          continue;
        }
        redeemed.add(e.handle);
        await answered(e, answer);
      }
      await until('every place is given back', () => waits.counts.waits === 0);
      assert.deepEqual(waits.counts, { waits: 0, addresses: 0, tokens: 0 });
      // The address that held its bound is held again.
      const again = await engage();
      await answered(again, (await held(again, '198.51.100.7')).answer);
    });

    it('gives back the place of a wait that times out (no Retry-After) or is refused', async () => {
      const e = await engage();
      const res = await w.longPoll(e.wait_token, 1, '198.51.100.12');
      assert.equal(res.json<{ status: string }>().status, 'waiting');
      assert.equal(res.headers['retry-after'], undefined, 'a held wait that timed out has no Retry-After');
      const refused = await w.longPoll('A'.repeat(43), 20, '198.51.100.12');
      assert.equal(refused.statusCode, 401, refused.body);
      assert.deepEqual(waits.counts, { waits: 0, addresses: 0, tokens: 0 });
    });
  });
}
