/**
 * The offer QR cache (src/issuance/render-offer-qr.ts): a repeated QR is served from memory, the
 * store is asked again at most once per OPEN_CHECK_MS, and a used offer's QR goes away after that.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { fixedClock } from '../../src/clock.js';
import { OPEN_CHECK_MS, renderOfferQr } from '../../src/issuance/render-offer-qr.js';
import type { Store } from '../../src/store/store.js';
import { accessToken, makeOffer } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`offer QR cache on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    /** The real store, counting how often the QR path reads an offer. */
    const countingStore = () => {
      let reads = 0;
      const vci = new Proxy(t.runtime.store.vci, {
        get: (target, name, receiver) =>
          name === 'offerHeadByRefHash'
            ? (refHash: string) => {
                reads++;
                return target.offerHeadByRefHash(refHash);
              }
            : Reflect.get(target, name, receiver),
      });
      return { store: { ...t.runtime.store, vci } as Store, reads: () => reads };
    };

    it('reads the store once per window, and drops the QR of a used offer after it', async () => {
      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const o = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example });
      const ref = new URL(o.qr_svg).pathname.split('/').at(-2) ?? '';
      const clock = fixedClock(Date.now());
      const counted = countingStore();
      const deps = { store: counted.store, clock, config: t.config };

      const first = await renderOfferQr(deps, ref, 'svg');
      assert.match(String(first), /^<svg/);
      assert.equal(await renderOfferQr(deps, ref, 'svg'), first, 'the same render, from memory');
      assert.ok(Buffer.isBuffer(await renderOfferQr(deps, ref, 'png')));
      assert.equal(counted.reads(), 1, 'one store read for three requests inside the window');

      await accessToken(t, o); // the offer is used
      clock.advance(OPEN_CHECK_MS);
      await assert.rejects(
        renderOfferQr(deps, ref, 'svg'),
        (e: { code?: string; status?: number }) => e.code === 'offer_not_found' && e.status === 404,
      );
      assert.equal(counted.reads(), 2);
      // Forgotten: the next request asks the store again (and is refused again).
      await assert.rejects(renderOfferQr(deps, ref, 'svg'), (e: { code?: string }) => e.code === 'offer_not_found');
      assert.equal(counted.reads(), 3);
    });

    it('answers a malformed reference 400 and an unknown one 404 over HTTP, for both image kinds', async () => {
      for (const kind of ['svg', 'png']) {
        for (const bad of ['short', `${'A'.repeat(42)}!`, 'A'.repeat(44)]) {
          const res = await t.app.inject({ method: 'GET', url: `/openid4vci/credential-offer/${encodeURIComponent(bad)}/qr.${kind}` });
          assert.equal(res.statusCode, 400, `${bad} ${kind}`);
          assert.equal(res.json().error, 'invalid_request');
        }
        const unknown = await t.app.inject({ method: 'GET', url: `/openid4vci/credential-offer/${'A'.repeat(43)}/qr.${kind}` });
        assert.equal(unknown.statusCode, 404);
        assert.equal(unknown.json().error, 'offer_not_found');
      }
    });

    it('never renders for a reference that names no offer', async () => {
      const counted = countingStore();
      const deps = { store: counted.store, clock: fixedClock(Date.now()), config: t.config };
      for (let i = 0; i < 3; i++)
        await assert.rejects(renderOfferQr(deps, 'A'.repeat(43), 'svg'), (e: { code?: string }) => e.code === 'offer_not_found');
      assert.equal(counted.reads(), 3, 'an unknown reference is looked up every time, never cached');
    });
  });
}
