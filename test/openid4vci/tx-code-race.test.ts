/**
 * A pre-authorized code with a transaction code, redeemed by many requests at once: the one that
 * wins gets the token, and every other one is told what really happened to the code (`code_state`)
 * — used by the winner, locked by a burn, expired — not "locked" for having lost the count.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { redeemPreAuthorizedCode } from '../../src/issuance/redeem-pre-authorized-code.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { MAX_TX_CODE_ATTEMPTS } from '../../src/issuance/vci-deps.js';
import type { Store } from '../../src/store/store.js';
import { AppError } from '../../src/errors.js';
import { codeOf, expireOffer, makeOffer, PRE_AUTH, tokenRequest, type Offer } from './vci-helpers.js';

const TYPE = 'driver-license';

for (const backend of storeTargets()) {
  describe(`transaction-code races on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const offerWithTxCode = () => makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, tx_code: true });
    const wrongTxCode = (o: Offer) => String((Number(o.tx_code) + 1) % 10 ** o.tx_code!.length).padStart(o.tx_code!.length, '0');
    const form = async (o: Offer, txCode: string) => ({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, o), tx_code: txCode });
    const stateOf = (r: { statusCode: number; json(): unknown }) =>
      r.statusCode === 200 ? 'token' : ((r.json() as { code_state?: string }).code_state ?? (r.json() as { error: string }).error);

    it('answers 50 parallel requests with the right tx_code with one token, and every other one "used"', async () => {
      for (let round = 0; round < 6; round++) {
        const o = await offerWithTxCode();
        const f = await form(o, o.tx_code!);
        const answers = await Promise.all(Array.from({ length: 50 }, () => tokenRequest(t, f)));
        const states = answers.map(stateOf);
        assert.equal(states.filter((s) => s === 'token').length, 1, `round ${round}: ${states.join(' ')}`);
        assert.deepEqual(new Set(states.filter((s) => s !== 'token')), new Set(['used']), `round ${round}: ${states.join(' ')}`);
        for (const r of answers.filter((a) => a.statusCode !== 200)) {
          assert.equal(r.statusCode, 400);
          assert.equal(r.json().error, 'invalid_grant');
          assert.equal(r.json().tx_code_attempts_left, undefined, 'a used code says nothing of attempts');
        }
      }
    });

    it('never says "used" when nobody got a token: the right tx_code racing the wrong guesses that burn the code', async () => {
      for (let round = 0; round < 12; round++) {
        const o = await offerWithTxCode();
        const wrong = await form(o, wrongTxCode(o));
        const right = await form(o, o.tx_code!);
        const requests = Array.from({ length: MAX_TX_CODE_ATTEMPTS }, () => wrong);
        requests.splice(round % (MAX_TX_CODE_ATTEMPTS + 1), 0, right);
        const states = (await Promise.all(requests.map((r) => tokenRequest(t, r)))).map(stateOf);
        const row = await t.runtime.store.vci.offer(o.id);
        if (states.includes('token')) {
          assert.notEqual(row?.redeemed_at, null, `round ${round}`);
          assert.equal(states.filter((s) => s === 'token').length, 1, `round ${round}: ${states.join(' ')}`);
        } else {
          // The last wrong guess burned the code before the right one was compared or redeemed.
          assert.equal(row?.redeemed_at, null, `round ${round}`);
          assert.ok(!states.includes('used'), `round ${round}: ${states.join(' ')}`);
          assert.ok(states.includes('locked'), `round ${round}: ${states.join(' ')}`);
        }
        assert.ok(
          states.every((s) => ['token', 'used', 'locked', 'invalid_grant'].includes(s)),
          `round ${round}: ${states.join(' ')}`,
        );
      }
    });

    /**
     * What the code's state was when the count or the redemption failed, made to happen between
     * the token step's first read and that statement (the store is the real one; only the moment
     * the rival commits is chosen).
     */
    const racedBy = (step: 'countTxAttempt' | 'redeem', rival: (o: Offer) => Promise<unknown>, o: Offer): Store => {
      const { store } = t.runtime;
      const vci = Object.create(store.vci) as Store['vci'];
      vci[step] = (async (...args: unknown[]) => {
        await rival(o);
        return (store.vci[step] as (...a: unknown[]) => Promise<unknown>)(...args);
      }) as never;
      return Object.assign(Object.create(store) as Store, { vci });
    };
    /** The token step on `store`: 'token', or the refusal's code_state and attempts left. */
    const redeemWith = async (store: Store, o: Offer, txCode: string) => {
      try {
        await redeemPreAuthorizedCode({ store, clock: t.runtime.clock, config: t.config }, await form(o, txCode));
        return { state: 'token' };
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'invalid_grant') throw e;
        const details = e.details as { code_state?: string; tx_code_attempts_left?: number } | undefined;
        return { state: details?.code_state, left: details?.tx_code_attempts_left };
      }
    };
    const redeemedBy = (o: Offer) =>
      t.runtime.store.vci.redeem(o.id, t.clock.now(), { hash: hashSecret(`rival ${o.id}`), expiresAt: t.clock.now() + 60_000 });
    const burnedBy = (o: Offer) => t.runtime.store.vci.burn(o.id, t.clock.now());

    for (const step of ['countTxAttempt', 'redeem'] as const)
      it(`classifies a failed ${step} by what the rival committed: used, locked, expired`, async () => {
        for (const [rival, expected] of [
          [redeemedBy, 'used'],
          [burnedBy, 'locked'],
          [(o: Offer) => expireOffer(t, o), 'expired'],
        ] as const) {
          const o = await offerWithTxCode();
          const answer = await redeemWith(racedBy(step, rival, o), o, o.tx_code!);
          assert.equal(answer.state, expected, `${step} after ${expected}: ${JSON.stringify(answer)}`);
        }
      });

    it('says "locked" when the count finds the attempts spent, before any burn', async () => {
      const o = await offerWithTxCode();
      const spent = (x: Offer) =>
        t.runtime.store.db.updateTable('vci_offers').set({ tx_attempts: MAX_TX_CODE_ATTEMPTS }).where('id', '=', x.id).execute();
      assert.deepEqual(await redeemWith(racedBy('countTxAttempt', spent, o), o, o.tx_code!), { state: 'locked', left: 0 });
    });
  });
}
