/**
 * Redeeming a holder's engagement handle when something happens to it between the read and the
 * claim: many clerks at once (one wins, the others are told it was used), or the handle expires
 * or is purged in between (told so, not "used").
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/test-app.js';
import { startEngagementWorld, type EngagementWorld } from './engagement-world.js';
import { storeTargets } from '../helpers/stores.js';
import type { EngagementsRepo } from '../../src/store/repositories/engagements-repo.js';

for (const backend of storeTargets()) {
  describe(`engagement redeem races on ${backend}`, () => {
    let t: TestApp;
    let clerks: string[];
    let w: EngagementWorld;

    beforeAll(async () => {
      w = await startEngagementWorld(backend);
      t = w.t;
      clerks = await Promise.all(Array.from({ length: 4 }, () => t.apiKey('verifier')));
    });
    afterAll(() => t.close());

    const engage = () => w.engage();
    const redeem = (key: string, engagement: string, language = 'en') => w.redeem(key, engagement, language);
    const requests = async () => (await t.runtime.store.db.selectFrom('verifier_requests').select('id').execute()).length;

    it('lets one of many clerks redeeming one handle at once have it; every other one is told it was used', async () => {
      for (let round = 0; round < 8; round++) {
        const e = await engage();
        const before = await requests();
        const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(clerks[i % clerks.length]!, e.link)));
        const codes = answers.map((a) => (a.statusCode === 201 ? 'created' : `${a.statusCode} ${a.json().code}`));
        assert.equal(codes.filter((c) => c === 'created').length, 1, `round ${round}: ${codes.join(', ')}`);
        assert.deepEqual(new Set(codes.filter((c) => c !== 'created')), new Set(['409 engagement_used']), `round ${round}`);
        assert.equal(await requests(), before + 1, `round ${round}: one request made`);
      }
    });

    /**
     * Runs `rival` on the handle's row (a real write) just before the claim, then redeems, in
     * English and in Korean (a fresh handle each).
     */
    const redeemAfter = async (rival: (handleHash: string, claim: EngagementsRepo['claim']) => Promise<unknown>) => {
      const answers = [];
      for (const language of ['en', 'ko-KR,ko;q=0.9']) {
        const e = await engage();
        const before = await requests();
        const { claim } = repo;
        repo.claim = async (handleHash, clientId, now, request) => {
          await rival(handleHash, claim);
          return claim(handleHash, clientId, now, request);
        };
        try {
          const r = await redeem(clerks[0]!, e.handle, language);
          answers.push(r.json() as { status: number; code: string; detail: string });
        } finally {
          repo.claim = claim;
        }
        // The request made for the handle it could not take is not kept (a refused redeem stores nothing).
        assert.equal(await requests(), before, language);
      }
      return answers.map((a) => [a.status, a.code, a.detail]);
    };
    let repo: EngagementsRepo;
    beforeAll(() => {
      repo = t.runtime.store.engagements;
    });
    const rows = () => t.runtime.store.db.updateTable('counter_engagements');

    it('says expired, not used, when the handle expired between the read and the claim', async () => {
      const r = await redeemAfter((h) =>
        rows()
          .set({ expires_at: t.clock.now() - 1000 })
          .where('handle_hash', '=', h)
          .execute(),
      );
      assert.deepEqual(r, [
        [400, 'engagement_expired', 'this engagement code has expired; ask the holder to show a new QR'],
        [400, 'engagement_expired', '유효 시간이 지난 QR입니다. 소지자에게 새 QR을 보여 달라고 하십시오.'],
      ]);
    });

    it('says unknown when the handle was purged between the read and the claim', async () => {
      const r = await redeemAfter((h) => t.runtime.store.db.deleteFrom('counter_engagements').where('handle_hash', '=', h).execute());
      assert.deepEqual(r, [
        [404, 'engagement_unknown', 'this engagement code is unknown; ask the holder to show a new QR'],
        [404, 'engagement_unknown', '알 수 없는 QR입니다. 소지자에게 새 QR을 보여 달라고 하십시오.'],
      ]);
    });

    it('says used when another clerk claimed it between the read and the claim', async () => {
      const r = await redeemAfter((h, claim) =>
        claim(h, 'another-clerk', t.clock.now(), { id: 'another-clerks-request', authorization_request: 'openid4vp://?request_uri=…' }),
      );
      assert.deepEqual(r, [
        [409, 'engagement_used', 'this engagement code was already used; ask the holder to show a new QR'],
        [409, 'engagement_used', '이미 사용된 QR입니다. 소지자에게 새 QR을 보여 달라고 하십시오.'],
      ]);
    });
  });
}
