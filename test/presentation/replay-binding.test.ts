/**
 * Replay across channels and verifiers (issue 14, class 6): a presentation is bound to the
 * verifier client that receives it (its own KB-JWT `aud` at the counter, the request's nonce in
 * OpenID4VP) and to one channel (a counter nonce is issued to one client by the counter; an
 * OpenID4VP nonce belongs to one request). Every crossing is refused, and a refusal consumes
 * nothing: the presentation still verifies where it was meant to.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  ageOver19Query,
  counterChallenge,
  counterOf,
  counterVerify,
  createDcqlRequest,
  generateHolderKey,
  issueViaApi,
  postDirectPost,
  presentTo,
  readRequestView,
} from './helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { verifierClientId } from '../../src/presentation/verifier-identity.js';
import { parseCounterChallenge } from '../../src/holder/counter-challenge-link.js';
import { issuedCounterNonceHash } from '../../src/presentation/issue-counter-nonce.js';

interface Verdict {
  verdict: string;
  code: string;
  checks: { check: string; ok: boolean; code: string }[];
}

for (const backend of storeTargets()) {
  describe(`presentations bound to one verifier client and one channel (${backend})`, () => {
    let t: TestApp;
    let keyA: string;
    let keyB: string;
    let holder: HolderKey;
    let credential: string;

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      keyA = await t.apiKey('verifier');
      keyB = await t.apiKey('verifier');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder));
    });
    afterAll(async () => t?.close());

    const present = (aud: string, nonce: string) => presentTo(credential, holder, aud, nonce);
    const counter = async (key: string, presentation: string) => {
      const res = await counterVerify(t.app, key, presentation, { claims: ['age_over_19'] });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Verdict>();
    };
    /** An OpenID4VP request of verifier client `key`, with its state and nonce (read from the store). */
    const request = async (key: string) => {
      const { id } = await createDcqlRequest(t.app, key, ageOver19Query(t.runtime.catalog.get('driver-license')!.vct));
      const row = await t.runtime.store.db
        .selectFrom('verifier_requests')
        .select(['state', 'nonce'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { id, ...row };
    };
    const directPost = async (key: string, req: { id: string; state: string }, presentation: string) => {
      const posted = await postDirectPost(t.app, req.state, { licence: [presentation] });
      assert.equal(posted.statusCode, 200, posted.body);
      return readRequestView(t.app, key, req.id);
    };

    it('issues a counter nonce per verifier client: its own aud, a challenge link, stored only hashed and bound to the client', async () => {
      const a = await counterChallenge(counterOf(t.app, keyA));
      const b = await counterChallenge(counterOf(t.app, keyB));
      assert.notEqual(a.aud, b.aud);
      assert.notEqual(a.aud, verifierClientId(t.config.publicUrl), 'the counter audience is not the OpenID4VP client_id');
      assert.deepEqual(parseCounterChallenge(a.challenge), { aud: a.aud, nonce: a.nonce });
      assert.match(a.nonce, /^[A-Za-z0-9_-]{22}$/);
      const rows = await t.runtime.store.db.selectFrom('consumed_nonces').select('nonce_hash').execute();
      assert.ok(!rows.some((r) => r.nonce_hash.includes(a.nonce)), 'the nonce itself is not stored');
      const clientA = a.aud.split('/').pop()!;
      assert.ok(rows.some((r) => r.nonce_hash === issuedCounterNonceHash(decodeURIComponent(clientA), a.nonce)));
    });

    it('refuses a counter nonce without a verifier key (401) and for an issuer key (403)', async () => {
      assert.equal((await t.app.inject({ method: 'POST', url: '/v1/verifier/counter-nonces' })).statusCode, 401);
      const issuer = await t.apiKey('issuer');
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/v1/verifier/counter-nonces', headers: { authorization: `Bearer ${issuer}` } }))
          .statusCode,
        403,
      );
    });

    // Cross-client at the counter: every way of moving A's presentation to B is refused; A still accepts it.
    const crossClient: [string, string, (a: { aud: string; nonce: string }, b: { aud: string; nonce: string }) => [string, string]][] = [
      ["A's presentation as made (A's aud and nonce)", 'kb_jwt_aud_mismatch', (a) => [a.aud, a.nonce]],
      ["re-signed for B's aud over A's nonce", 'nonce_not_issued', (a, b) => [b.aud, a.nonce]],
      ["for B's aud over a nonce the wallet picked", 'nonce_not_issued', (_a, b) => [b.aud, 'wallet-picked-nonce-0123456789']],
    ];
    for (const [name, code, pick] of crossClient) {
      it(`refuses at client B a counter presentation bound to client A: ${name} → ${code}`, async () => {
        const a = await counterChallenge(counterOf(t.app, keyA));
        const b = await counterChallenge(counterOf(t.app, keyB));
        const [aud, nonce] = pick(a, b);
        const v = await counter(keyB, await present(aud, nonce));
        assert.equal(v.verdict, 'rejected');
        assert.equal(v.code, code);
        // Nothing was consumed: A's genuine presentation over that nonce still verifies, once.
        const genuine = await present(a.aud, a.nonce);
        assert.equal((await counter(keyA, genuine)).verdict, 'verified');
        assert.equal((await counter(keyA, genuine)).code, 'nonce_reused');
      });
    }

    // Cross-channel, OpenID4VP → counter: a request's nonce is never a counter nonce.
    const toCounter: [string, string, (req: { nonce: string }, a: { aud: string }) => [string, string]][] = [
      ['as made for the request (client_id aud)', 'kb_jwt_aud_mismatch', (req) => [verifierClientId(t.config.publicUrl), req.nonce]],
      ['re-signed for the counter aud over the request nonce', 'nonce_not_issued', (req, a) => [a.aud, req.nonce]],
    ];
    for (const [name, code, pick] of toCounter) {
      it(`refuses at the counter a presentation over an OpenID4VP request's nonce: ${name} → ${code}`, async () => {
        const req = await request(keyA);
        const a = await counterChallenge(counterOf(t.app, keyA));
        const [aud, nonce] = pick(req, a);
        const v = await counter(keyA, await present(aud, nonce));
        assert.equal(v.code, code);
        // The request itself still takes its own presentation.
        const view = await directPost(keyA, req, await present(verifierClientId(t.config.publicUrl), req.nonce));
        assert.equal(view.status, 'verified', JSON.stringify(view));
      });
    }

    // Cross-channel, counter → OpenID4VP: a counter nonce never answers a request.
    const toRequest: [string, string, (c: { aud: string; nonce: string }) => [string, string]][] = [
      ['as made for the counter (counter aud and nonce)', 'kb_jwt_nonce_mismatch', (c) => [c.aud, c.nonce]],
      [
        're-signed for the client_id over the counter nonce',
        'kb_jwt_nonce_mismatch',
        (c) => [verifierClientId(t.config.publicUrl), c.nonce],
      ],
    ];
    for (const [name, code, pick] of toRequest) {
      it(`refuses in OpenID4VP a presentation over a counter nonce: ${name} → ${code}`, async () => {
        const c = await counterChallenge(counterOf(t.app, keyA));
        const req = await request(keyA);
        const [aud, nonce] = pick(c);
        const view = await directPost(keyA, req, await present(aud, nonce));
        assert.equal(view.status, 'rejected');
        assert.equal(view.result?.code, code);
        // The counter nonce was not spent by that attempt.
        assert.equal((await counter(keyA, await present(c.aud, c.nonce))).verdict, 'verified');
      });
    }

    it("refuses an OpenID4VP presentation for client B's request posted with client A's request state", async () => {
      const reqA = await request(keyA);
      const reqB = await request(keyB);
      const view = await directPost(keyA, reqA, await present(verifierClientId(t.config.publicUrl), reqB.nonce));
      assert.equal(view.result?.code, 'kb_jwt_nonce_mismatch');
    });
  });
}
