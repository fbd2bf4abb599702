import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { counterOf, counterPresent, counterVerify, generateHolderKey, issueViaApi, nowSeconds, type Counter } from './helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';

interface Verdict {
  verdict: string;
  code: string;
  checks: { check: string; ok: boolean; code: string }[];
  claims?: Record<string, unknown>;
  message: { ko: string; en: string };
  receipt: string;
  credential: { type: string; issuer: string } | null;
}

for (const backend of storeTargets()) {
  describe(`counter QR verification (${backend})`, () => {
    let t: TestApp;
    let issuerKey: string;
    let verifierKey: string;
    let holder: HolderKey;
    let credential: string;
    let aud: Counter;

    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(t, issuerKey, 'driver-license', holder));
      aud = counterOf(t.app, verifierKey);
    });
    afterAll(async () => t?.close());

    it('verifies a presentation issued through the API and returns only the asked claims, with a signed receipt', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['family_name', 'given_name', 'age_over_19']);
      const res = await counterVerify(t.app, verifierKey, presentation, {
        types: ['driver-license'],
        claims: ['family_name', 'age_over_19'],
      });
      assert.equal(res.statusCode, 200, res.body);
      const v = res.json<Verdict>();
      assert.equal(v.verdict, 'verified');
      assert.deepEqual(
        v.checks.map((c) => c.check),
        ['parse', 'typ_alg', 'issuer_signature', 'time', 'status', 'holder_binding', 'replay', 'disclosures', 'policy'],
      );
      assert.ok(v.checks.every((c) => c.ok));
      // More was disclosed (given_name) than asked: it is dropped, and plain claims are not echoed either.
      assert.deepEqual(Object.keys(v.claims!).sort(), ['age_over_19', 'family_name']);
      assert.equal(v.credential?.type, 'driver-license');
      assert.ok(v.message.ko.length > 0 && v.message.en.length > 0);
      const jwks = createLocalJWKSet(t.runtime.keys.jwks() as never);
      const { payload, protectedHeader } = await jwtVerify(v.receipt, jwks, { typ: 'dproof-receipt+jwt' });
      assert.deepEqual(payload.claims, ['family_name', 'age_over_19']);
      assert.equal(payload.verdict, 'verified');
      assert.ok(protectedHeader.kid);
      assert.ok(
        !JSON.stringify(payload).includes(t.runtime.catalog.get('driver-license')!.example.family_name as string),
        'no claim value in a receipt',
      );
    });

    it('rejects the second presentation with the same nonce, even with a fresh signature', async () => {
      const first = await counterPresent(credential, holder, aud, ['age_over_19']);
      assert.equal((await counterVerify(t.app, verifierKey, first.presentation)).json<Verdict>().verdict, 'verified');
      // A new KB-JWT (new signature, new iat) over the same nonce: dedupe is on the nonce.
      const again = await counterPresent(credential, holder, aud, ['age_over_19'], { nonce: first.nonce, iat: nowSeconds() - 1 });
      assert.notEqual(again.presentation, first.presentation);
      const v = (await counterVerify(t.app, verifierKey, again.presentation)).json<Verdict>();
      assert.equal(v.verdict, 'rejected');
      assert.equal(v.code, 'nonce_reused');
      assert.deepEqual(
        v.checks.find((c) => c.check === 'replay'),
        { check: 'replay', ok: false, code: 'nonce_reused' },
      );
      assert.equal(v.checks.find((c) => c.check === 'policy')?.code, 'not_checked');
    });

    it('rejects a KB-JWT for another verifier (wrong aud)', async () => {
      const { presentation } = await counterPresent(credential, holder, 'decentralized_identifier:did:web:other.example', ['age_over_19']);
      assert.equal((await counterVerify(t.app, verifierKey, presentation)).json<Verdict>().code, 'kb_jwt_aud_mismatch');
    });

    it('rejects a stale KB-JWT (iat older than 2 minutes) and one from the future', async () => {
      const stale = await counterPresent(credential, holder, aud, ['age_over_19'], { iat: nowSeconds() - 121 - 60 });
      assert.equal((await counterVerify(t.app, verifierKey, stale.presentation)).json<Verdict>().code, 'kb_jwt_iat_invalid');
      const future = await counterPresent(credential, holder, aud, ['age_over_19'], { iat: nowSeconds() + 600 });
      assert.equal((await counterVerify(t.app, verifierKey, future.presentation)).json<Verdict>().code, 'kb_jwt_iat_invalid');
    });

    it('rejects a presentation without a KB-JWT', async () => {
      const sdJwtOnly = credential; // as issued: SD-JWT, no KB
      const v = (await counterVerify(t.app, verifierKey, sdJwtOnly)).json<Verdict>();
      assert.equal(v.code, 'kb_jwt_missing');
    });

    it('rejects a KB-JWT whose nonce is too short to be random', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19'], { nonce: 'abc' });
      assert.equal((await counterVerify(t.app, verifierKey, presentation)).json<Verdict>().code, 'nonce_invalid');
    });

    it('rejects a KB-JWT signed by a key other than cnf', async () => {
      const other = await generateHolderKey();
      const { presentation } = await counterPresent(credential, other, aud, ['age_over_19']);
      assert.equal((await counterVerify(t.app, verifierKey, presentation)).json<Verdict>().code, 'kb_jwt_signature_invalid');
    });

    it('rejects a wrong sd_hash: a disclosure added after the KB-JWT was signed', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      const all = credential.split('~').slice(1, -1);
      const parts = presentation.split('~');
      const kb = parts.pop()!;
      const extra = all.find((d) => !parts.includes(d))!;
      const tampered = `${parts.join('~')}~${extra}~${kb}`;
      assert.equal((await counterVerify(t.app, verifierKey, tampered)).json<Verdict>().code, 'kb_jwt_sd_hash_mismatch');
    });

    it('refuses an issuer key and an unauthenticated caller', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      const asIssuer = await counterVerify(t.app, issuerKey, presentation);
      assert.equal(asIssuer.statusCode, 403);
      assert.equal(asIssuer.json<{ code: string }>().code, 'wrong_role');
      const anon = await t.app.inject({ method: 'POST', url: '/v1/verifier/verify', payload: { presentation } });
      assert.equal(anon.statusCode, 401);
    });

    it('refuses a policy claim that is not a path', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      const res = await counterVerify(t.app, verifierKey, presentation, { claims: ['a..b'] });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ code: string }>().code, 'invalid_policy');
    });

    it("refuses a policy naming a catalogue id the catalogue does not hold, before the holder's QR is used", async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      const res = await counterVerify(t.app, verifierKey, presentation, { types: ['driver-licence'], claims: ['age_over_19'] });
      assert.equal(res.statusCode, 400, res.body);
      const p = res.json<{ code: string; errors: { pointer: string }[] }>();
      assert.equal(p.code, 'invalid_policy');
      assert.deepEqual(
        p.errors.map((e) => e.pointer),
        ['/policy/types/0'],
      );
      // The same presentation, with the policy put right, still verifies: its nonce was not spent.
      const ok = await counterVerify(t.app, verifierKey, presentation, { types: ['driver-license'], claims: ['age_over_19'] });
      assert.equal(ok.json<Verdict>().verdict, 'verified', ok.body);
      // One lowercase word may be another issuer's vct: taken as it is (this credential is not one).
      const other = await counterPresent(credential, holder, aud, ['age_over_19']);
      const pid = await counterVerify(t.app, verifierKey, other.presentation, { types: ['pid'] });
      assert.equal(pid.statusCode, 200, pid.body);
      assert.equal(pid.json<Verdict>().code, 'type_not_accepted');
    });

    it("refuses an empty types or issuers list, and types a limited client may not verify, before the holder's QR is used", async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      const limited = await t.apiKey('verifier', { types: ['resident-id'] });
      for (const [key, policy, pointer] of [
        [verifierKey, { types: [] }, '/policy/types'],
        [verifierKey, { issuers: [] }, '/policy/issuers'],
        [limited, { types: ['driver-license'] }, '/policy/types'],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/verifier/verify',
          headers: { authorization: `Bearer ${key}`, 'accept-language': 'ko' },
          payload: { presentation, policy },
        });
        assert.equal(res.statusCode, 400, res.body);
        const p = res.json<{ code: string; detail: string; errors: { pointer: string }[] }>();
        assert.equal(p.code, 'invalid_policy', JSON.stringify(policy));
        // Its own Korean sentence, naming the list at fault (not the catalogue's one about policy.claims).
        assert.match(p.detail, new RegExp(`${pointer.split('/')[2]}`), p.detail);
        assert.doesNotMatch(p.detail, /policy\.claims/);
        assert.deepEqual(
          p.errors.map((e) => e.pointer),
          [pointer],
        );
      }
      const ok = await counterVerify(t.app, verifierKey, presentation, { claims: ['age_over_19'] });
      assert.equal(ok.json<Verdict>().verdict, 'verified', ok.body);
    });

    it('tells another QR of these flows for what it is (not_a_presentation, in Korean too), and the real presentation still verifies', async () => {
      const { presentation } = await counterPresent(credential, holder, aud, ['age_over_19']);
      for (const [text, words] of [
        ['dproof-engage:4E-VtI5JA6_qEjvQq8Zb1A', /연결 QR/],
        ['  dproof-counter:?aud=x&nonce=y', /창구가 보여 주는 QR/],
        ['openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fx', /발급 QR/],
        ['openid4vp://?client_id=x&request_uri=https%3A%2F%2Fx', /제출 요청 QR/],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/verifier/verify',
          headers: { authorization: `Bearer ${verifierKey}`, 'accept-language': 'ko' },
          payload: { presentation: text },
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ code: string }>().code, 'not_a_presentation');
        assert.match(res.json<{ detail: string }>().detail, words);
      }
      const ok = await counterVerify(t.app, verifierKey, presentation, { claims: ['age_over_19'] });
      assert.equal(ok.json<Verdict>().verdict, 'verified', ok.body);
    });

    it('rejects a type the policy does not accept and a missing asked claim', async () => {
      const p1 = await counterPresent(credential, holder, aud, ['age_over_19']);
      assert.equal(
        (await counterVerify(t.app, verifierKey, p1.presentation, { types: ['resident-id'] })).json<Verdict>().code,
        'type_not_accepted',
      );
      const p2 = await counterPresent(credential, holder, aud, ['age_over_19']);
      assert.equal(
        (await counterVerify(t.app, verifierKey, p2.presentation, { claims: ['family_name'] })).json<Verdict>().code,
        'claim_missing',
      );
    });
  });
}
