import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import {
  AGE_CHECK_PURPOSE,
  ageOver19Query,
  counterChallenge,
  counterOf,
  counterVerify,
  createDcqlRequest,
  readRequestView,
  revokeViaApi,
} from './helpers.js';

interface Result {
  status: string;
  result?: { verdict: string; credentials: Record<string, { claims?: Record<string, unknown> }[]> };
}

for (const backend of storeTargets()) {
  describe(`dproof wallet present, qr and history on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let verifierKey: string;
    let dir: string;
    let env: Record<string, string>;
    let credentialId: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true });
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      dir = mkdtempSync(join(tmpdir(), 'dproof-present-'));
      env = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const type = t.runtime.catalog.get('driver-license');
      assert.ok(type);
      const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      credentialId = (JSON.parse(got.stdout) as { id: string }[])[0]?.id as string;
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers an OpenID4VP request; the verifier reads a verified result with exactly the asked claims', async () => {
      const query = ageOver19Query(t.runtime.catalog.get('driver-license')!.vct, 'adult');
      const { id, authorization_request } = await createDcqlRequest(t.app, verifierKey, query, { purpose: AGE_CHECK_PURPOSE });
      const r = await runDproof(['wallet', 'present', authorization_request, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { verifier: { purpose: { ko: string } }; disclosed: Record<string, { claims: string[] }> };
      assert.equal(out.verifier.purpose.ko, '주류 판매 연령 확인');
      assert.deepEqual(out.disclosed.adult?.claims, ['age_over_19']);
      const res = await readRequestView<Result>(t.app, verifierKey, id);
      assert.equal(res.status, 'verified');
      assert.deepEqual(res.result?.credentials.adult?.[0]?.claims, { age_over_19: true });
      // Disclosing more than asked: the result still holds only what was asked.
      const req2 = await createDcqlRequest(t.app, verifierKey, query);
      const more = await runDproof(
        ['wallet', 'present', req2.authorization_request, '--disclose', 'age_over_19,family_name,given_name'],
        env,
      );
      assert.equal(more.code, 0, more.stderr);
      const res2 = await readRequestView<Result>(t.app, verifierKey, req2.id);
      assert.deepEqual(res2.result?.credentials.adult?.[0]?.claims, { age_over_19: true });
    });

    /** The clerk's screen: a fresh challenge of the verifier client's counter. */
    const challenge = async () => (await counterChallenge(counterOf(t.app, verifierKey))).challenge;

    it("makes a counter QR over the counter's challenge that the service verifies once, and refuses a portrait or no challenge", async () => {
      const qr = await runDproof(['wallet', 'qr', credentialId, '--disclose', 'age_over_19', '--challenge', await challenge()], env);
      assert.equal(qr.code, 0, qr.stderr);
      const presentation = qr.stdout.trim();
      const first = await counterVerify(t.app, verifierKey, presentation);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().verdict, 'verified');
      const replay = await counterVerify(t.app, verifierKey, presentation);
      assert.equal(replay.json().verdict, 'rejected');
      const svg = join(dir, 'counter.svg');
      assert.equal(
        (await runDproof(['wallet', 'qr', credentialId, '--disclose', 'age_over_19', '--out', svg, '--challenge', await challenge()], env))
          .code,
        0,
      );
      assert.match(readFileSync(svg, 'utf8'), /^<svg/);
      const portrait = await runDproof(['wallet', 'qr', credentialId, '--disclose', 'portrait', '--challenge', await challenge()], env);
      assert.equal(portrait.code, 1);
      assert.match(portrait.stderr, /portrait never goes in a QR/);
      const bad = await runDproof(
        ['wallet', 'qr', credentialId, '--disclose', 'age_over_19', '--challenge', 'https://example.com/?nonce=x'],
        env,
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /invalid_challenge|dproof-counter/);
    });

    it('shows a revoked credential refused with its code, and both submissions in the history', async () => {
      const rec = (await t.runtime.store.credentials.list({ limit: 10 })).find((c) => c.type === 'driver-license');
      assert.ok(rec);
      await revokeViaApi(t, issuerKey, rec.id);
      let verdict: { verdict: string; code: string } = { verdict: '', code: '' };
      for (let i = 0; i < 30 && verdict.code !== 'credential_revoked'; i++) {
        const qr = await runDproof(['wallet', 'qr', credentialId, '--disclose', 'age_over_19', '--challenge', await challenge()], env);
        verdict = (await counterVerify(t.app, verifierKey, qr.stdout.trim())).json() as typeof verdict;
        if (verdict.code !== 'credential_revoked') await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(verdict.verdict, 'rejected');
      assert.equal(verdict.code, 'credential_revoked');

      const h = await runDproof(['wallet', 'history', '--json'], env);
      assert.equal(h.code, 0, h.stderr);
      const entries = JSON.parse(h.stdout) as { receipt: { channel: string; claims: string[]; verdict: string } }[];
      const channels = new Set(entries.map((e) => e.receipt.channel));
      assert.ok(channels.has('openid4vp') && channels.has('counter'), JSON.stringify([...channels]));
      assert.ok(entries.every((e) => e.receipt.claims.every((c) => typeof c === 'string')));
      assert.ok(!h.stdout.includes(String(t.runtime.catalog.get('driver-license')?.example.family_name)), 'history holds no claim values');
    });
  });
}
