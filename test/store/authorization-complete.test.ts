/**
 * Completing a login of the Authorization Code Flow (authorization-requests-repo.ts `complete`)
 * when it cannot be: the answer says why — another callback completed it, or the credential offer
 * of issuer_state was used or expired meanwhile — and nothing is written. The callback
 * (finish-authorization.ts) tells the browser "already finished" for the first and the wallet
 * access_denied with the offer's reason for the others. Both stores, parallel rounds.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/store.js';
import { openMigratedStore, storeTargets } from '../helpers/stores.js';
import { offerRow } from '../helpers/offer-row.js';
import type { AuthorizationRequestRecord } from '../../src/store/repositories/authorization-requests-repo.js';

const NOW = 1_700_000_000_000;
let serial = 0;

for (const backend of storeTargets()) {
  describe(`completing an authorization request on ${backend}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await openMigratedStore(backend));
    });
    afterAll(() => close());

    /** A login in progress bound to a fresh, unredeemed authorization_code offer (claims come after the login). */
    const loginOnOffer = async (offerId?: string): Promise<AuthorizationRequestRecord> => {
      const n = ++serial;
      const offer = offerId ?? `offer-${backend}-${n}`;
      if (offerId === undefined) await store.vci.insertOffer(offerRow(offer, NOW, NOW + 600_000, { claims: null }));
      const req: AuthorizationRequestRecord = {
        id: `req-${backend}-${n}`,
        request_uri_hash: `uri-${backend}-${n}`,
        client_id: 'test-wallet',
        redirect_uri: 'http://127.0.0.1:9/wallet-callback',
        code_challenge: 'challenge',
        state: null,
        configuration_id: 'resident-id',
        authorization_details: null,
        scope: null,
        offer_id: offer,
        issuer_client_id: 'c1',
        idp_state_hash: `idp-${backend}-${n}`,
        code_offer_id: null,
        created_at: NOW,
        expires_at: NOW + 300_000,
        started_at: NOW,
        completed_at: null,
        outcome: null,
        dpop_jkt: null,
      };
      await store.authorizationRequests.insert(req);
      return req;
    };
    /** What the callback stores for a granted login: the code's own offer row, and the offer of issuer_state used up. */
    const grant = (req: AuthorizationRequestRecord, tag: string) => ({
      boundOfferId: req.offer_id,
      codeOffer: offerRow(`code-${req.id}-${tag}`, NOW, NOW + 60_000, { claims: 'sealed1.x', ref_hash: `ref-${req.id}-${tag}` }),
    });
    const codeOffers = async (req: AuthorizationRequestRecord) =>
      (await store.db.selectFrom('vci_offers').select('id').where('id', 'like', `code-${req.id}-%`).execute()).length;

    it('lets one of many callbacks completing one login at once grant it; every other one is told it was completed', async () => {
      for (let round = 0; round < 12; round++) {
        const req = await loginOnOffer();
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.authorizationRequests.complete(req.id, NOW + 1000, 'code', grant(req, `r${i}`))),
        );
        assert.equal(answers.filter((a) => a.ok).length, 1, `round ${round}: ${JSON.stringify(answers)}`);
        assert.deepEqual(
          answers.filter((a) => !a.ok),
          Array.from({ length: 7 }, () => ({ ok: false, reason: 'completed' })),
          `round ${round}`,
        );
        assert.equal(await codeOffers(req), 1, `round ${round}: one code offer stored`);
      }
    });

    it('tells two logins on one offer racing apart: one grants, the other finds the offer used', async () => {
      for (let round = 0; round < 12; round++) {
        const first = await loginOnOffer();
        const second = await loginOnOffer(first.offer_id!);
        const [a, b] = await Promise.all(
          [first, second].map((req) => store.authorizationRequests.complete(req.id, NOW + 1000, 'code', grant(req, 'g'))),
        );
        const answers = [a, b].map((x) => (x!.ok ? 'ok' : x!.reason)).sort();
        assert.deepEqual(answers, ['offer_used', 'ok'], `round ${round}`);
        const loser = a!.ok ? second : first;
        assert.equal(await codeOffers(loser), 0, `round ${round}: the loser stored no code offer`);
        const row = await store.authorizationRequests.byIdpStateHash(loser.idp_state_hash!);
        assert.equal(row?.completed_at, null, `round ${round}: the loser's login is not completed (nothing written)`);
      }
    });

    it('says the offer expired, not used, when it expired before the login finished; and completed for a refusal recorded twice', async () => {
      const req = await loginOnOffer();
      await store.db
        .updateTable('vci_offers')
        .set({ expires_at: NOW + 500 })
        .where('id', '=', req.offer_id!)
        .execute();
      assert.deepEqual(await store.authorizationRequests.complete(req.id, NOW + 1000, 'code', grant(req, 'g')), {
        ok: false,
        reason: 'offer_expired',
      });
      assert.equal(await codeOffers(req), 0);
      // Purged after its expiry: expired too.
      const gone = await loginOnOffer();
      await store.db.deleteFrom('vci_offers').where('id', '=', gone.offer_id!).execute();
      assert.deepEqual(await store.authorizationRequests.complete(gone.id, NOW + 1000, 'code', grant(gone, 'g')), {
        ok: false,
        reason: 'offer_expired',
      });
      // The refusal the callback then records, once.
      assert.deepEqual(await store.authorizationRequests.complete(req.id, NOW + 1000, 'access_denied'), { ok: true });
      assert.deepEqual(await store.authorizationRequests.complete(req.id, NOW + 1000, 'access_denied'), { ok: false, reason: 'completed' });
    });

    it('says the offer was used when a pre-authorized redemption took it first', async () => {
      const req = await loginOnOffer();
      await store.db
        .updateTable('vci_offers')
        .set({ redeemed_at: NOW + 10 })
        .where('id', '=', req.offer_id!)
        .execute();
      assert.deepEqual(await store.authorizationRequests.complete(req.id, NOW + 1000, 'code', grant(req, 'g')), {
        ok: false,
        reason: 'offer_used',
      });
    });
  });
}
