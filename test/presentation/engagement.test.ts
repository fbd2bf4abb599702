/**
 * The holder-shown counter engagement (issue 19): the wallet gets a one-time handle and shows a
 * small QR; the clerk's app redeems it with the counter's DCQL query; the waiting wallet (the
 * reference CLI wallet here) receives an ordinary openid4vp:// request and answers it by
 * direct_post; the Response URI hands the holder a redirect_uri with the verdict in plain words.
 * Bad inputs, a second clerk, a replayed or expired QR, and a refused (revoked) presentation
 * that the holder's history still lists. The wallet waits what Retry-After says when the service
 * does not hold its wait (one address's bound reached), and stops at the handle's expiry.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { parseEngagementLink } from '../../src/holder/engagement-link.js';
import { revokeViaApi } from './helpers.js';
import { engageAtCounter } from '../../src/wallet/engage-at-counter.js';
import { readWallet } from '../../src/wallet/wallet-file.js';
import { HeldWaits } from '../../src/presentation/engagement/held-waits.js';
import { awaitCounterRequest, type WaitRound } from '../../src/holder/await-counter-request.js';
import { scaled } from '../helpers/time-scale.js';

interface Engagement {
  handle: string;
  link: string;
  wait_token: string;
  expires_at: string;
  expires_in: number;
}

for (const backend of storeTargets()) {
  describe(`counter engagement on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let verifierKey: string;
    let otherClerkKey: string;
    let dir: string;
    let env: Record<string, string>;
    let dcql: Record<string, unknown>;
    // One held wait per address: every wait here comes from 127.0.0.1, and one test holds it.
    const waits = new HeldWaits({ perAddress: 1 });

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, heldWaits: waits });
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      otherClerkKey = await t.apiKey('verifier');
      dir = mkdtempSync(join(tmpdir(), 'dproof-engage-'));
      env = { DPROOF_WALLET: join(dir, 'wallet.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const type = t.runtime.catalog.get('resident-id')!;
      const offer = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      dcql = {
        credentials: [
          { id: 'adult', format: 'dc+sd-jwt', meta: { vct_values: [type.vct] }, claims: [{ path: ['age_over_19'], values: [true] }] },
        ],
      };
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const engage = async (): Promise<Engagement> => {
      const res = await fetch(`${t.url}/v1/wallet/engagements`, { method: 'POST' });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as Engagement;
    };
    const wait = async (token: string | undefined, seconds = 0, signal?: AbortSignal) =>
      fetch(`${t.url}/v1/wallet/engagements/request?wait=${seconds}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(signal && { signal }),
      });
    const redeem = (key: string, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/v1/verifier/engagements', headers: { authorization: `Bearer ${key}` }, payload: body });
    const count = async () => (await t.runtime.store.db.selectFrom('verifier_requests').select('id').execute()).length;

    it('hands out a one-time handle whose QR is version 3 at level M, with a 60–120 s countdown', async () => {
      const e = await engage();
      assert.equal(parseEngagementLink(e.link), e.handle);
      const version = QRCode.create(e.link, { errorCorrectionLevel: 'M' }).version;
      assert.ok(version <= 3, `version ${version}`);
      assert.ok(e.expires_in >= 60 && e.expires_in <= 120);
      const w = await wait(e.wait_token);
      assert.equal(w.status, 200);
      assert.equal(((await w.json()) as { status: string }).status, 'waiting');
    });

    it('delivers the counter’s request to the waiting wallet (long-poll), once, to the first clerk only; the holder reads the verdict', async () => {
      const e = await engage();
      const started = Date.now();
      const waiting = wait(e.wait_token, 20);
      const created = await redeem(verifierKey, { engagement: e.link, dcql_query: dcql, purpose: { ko: '연령 확인', en: 'Age check' } });
      assert.equal(created.statusCode, 201, created.body);
      const { id, authorization_request } = created.json() as { id: string; authorization_request: string };
      const answer = (await (await waiting).json()) as { status: string; authorization_request: string };
      assert.equal(answer.status, 'requested');
      assert.equal(answer.authorization_request, authorization_request);
      assert.ok(Date.now() - started < 5000, 'the long-poll answers as soon as the request exists');

      // A second clerk, the same clerk again, a replayed screenshot: nothing.
      const before = await count();
      for (const key of [otherClerkKey, verifierKey]) {
        const again = await redeem(key, { engagement: e.handle, dcql_query: dcql });
        assert.equal(again.statusCode, 409, again.body);
        assert.equal(again.json().code, 'engagement_used');
        assert.match(again.headers['content-type'] as string, /application\/problem\+json/);
      }
      assert.equal(await count(), before, 'a refused redeem stores no request');

      const r = await runDproof(['wallet', 'present', answer.authorization_request, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { response: { status: string; redirect_uri: string } };
      assert.equal(out.response.status, 'verified');
      const result = await fetch(out.response.redirect_uri);
      assert.equal(result.status, 200);
      const view = (await result.json()) as { verdict: string; message: { ko: string; en: string } };
      assert.equal(view.verdict, 'verified');
      assert.match(view.message.ko, /확인되었습니다/);
      const polled = await t.app.inject({
        method: 'GET',
        url: `/v1/verifier/requests/${id}`,
        headers: { authorization: `Bearer ${verifierKey}` },
      });
      assert.equal(polled.json().status, 'verified');
      // Asked again once answered (the wallet on another screen): nothing is left to collect.
      const after = (await (await wait(e.wait_token)).json()) as { status: string };
      assert.equal(after.status, 'expired');
    });

    it('refuses bad inputs with stable codes and spends nothing', async () => {
      const e = await engage();
      const noToken = await wait(undefined);
      assert.equal(noToken.status, 401);
      assert.equal(((await noToken.json()) as { code: string }).code, 'engagement_token_missing');
      // wait: 0 to 99 seconds written as a number is written (01 is refused, as the history's limit=01 is).
      for (const bad of ['01', '100', '-1', '1.5', 'x']) {
        const res = await fetch(`${t.url}/v1/wallet/engagements/request?wait=${bad}`, {
          headers: { authorization: `Bearer ${e.wait_token}` },
        });
        assert.equal(res.status, 400, bad);
      }
      const unknownToken = await wait('A'.repeat(43));
      assert.equal(unknownToken.status, 401);
      assert.equal(((await unknownToken.json()) as { code: string }).code, 'engagement_token_unknown');
      const garbage = await redeem(verifierKey, { engagement: 'https://example.com/x', dcql_query: dcql });
      assert.equal(garbage.statusCode, 400);
      assert.equal(garbage.json().code, 'engagement_invalid');
      const unknown = await redeem(verifierKey, { engagement: 'dproof-engage:' + 'B'.repeat(22), dcql_query: dcql });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().code, 'engagement_unknown');
      const badQuery = await redeem(verifierKey, { engagement: e.link, dcql_query: { credentials: [] } });
      assert.equal(badQuery.statusCode, 400);
      assert.equal(badQuery.json().code, 'invalid_dcql_query');
      const noKey = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/engagements',
        payload: { engagement: e.link, dcql_query: dcql },
      });
      assert.equal(noKey.statusCode, 401);
      // Nothing was spent: the handle still works.
      assert.equal((await redeem(verifierKey, { engagement: e.link, dcql_query: dcql })).statusCode, 201);
      const noResult = await fetch(`${t.url}/openid4vp/results/${'C'.repeat(22)}.${'D'.repeat(22)}`);
      assert.equal(noResult.status, 404);
      assert.equal(((await noResult.json()) as { code: string }).code, 'result_not_found');
    });

    it('lets the CLI wallet show the small QR, wait, and answer the counter (dproof wallet engage)', async () => {
      let redeemed: Promise<{ statusCode: number; body: string }> | undefined;
      const r = await engageAtCounter(readWallet(env.DPROOF_WALLET!), {
        service: t.url,
        onLink: (link, expiresIn) => {
          assert.ok(QRCode.create(link, { errorCorrectionLevel: 'M' }).version <= 3);
          assert.ok(expiresIn >= 60 && expiresIn <= 120);
          redeemed = redeem(verifierKey, { engagement: link, dcql_query: dcql });
        },
      });
      assert.equal((await redeemed)?.statusCode, 201, (await redeemed)?.body);
      assert.equal(r.response.status, 'verified');
      assert.deepEqual(Object.values(r.disclosed)[0]?.claims, ['age_over_19']);
    });

    it('lets the CLI wallet wait what Retry-After says when its wait is not held, and still answer the counter', async () => {
      // Another wallet on this address holds its one place.
      const other = await engage();
      const gone = new AbortController();
      const holding = wait(other.wait_token, 20, gone.signal).catch(() => undefined);
      for (let i = 0; i < 100 && waits.counts.waits === 0; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(waits.counts.waits, 1);

      let link = '';
      let clock = Date.now();
      const sleeps: number[] = [];
      const retryAfters: (string | null)[] = [];
      const r = await engageAtCounter(readWallet(env.DPROOF_WALLET!), {
        service: t.url,
        onLink: (l) => (link = l),
        now: () => clock,
        // The counter scans the QR while the wallet waits.
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
          const created = await redeem(verifierKey, { engagement: link, dcql_query: dcql });
          assert.equal(created.statusCode, 201, created.body);
        },
        // Held 20 s instead of answered at once would fail here in 5.
        fetch: async (url, init) => {
          const signal = AbortSignal.any([init!.signal!, AbortSignal.timeout(scaled(5000))]);
          const res = await fetch(url, { ...init, signal });
          if (String(url).includes('/engagements/request')) retryAfters.push(res.headers.get('retry-after'));
          return res;
        },
      });
      assert.deepEqual(retryAfters, ['3', null], 'not held: waiting with Retry-After; then the request');
      assert.deepEqual(sleeps, [3000], 'the wallet waited 3 s before asking again');
      assert.equal(r.response.status, 'verified');

      // The other wallet goes away: its place is given back.
      gone.abort();
      await holding;
      for (let i = 0; i < 100 && waits.counts.waits > 0; i++) await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(waits.counts, { waits: 0, addresses: 0, tokens: 0 });
    });

    it('refuses a revoked card, tells the holder why, and lists the refusal in the history', async () => {
      const rec = (await t.runtime.store.credentials.list({ limit: 10 })).find((c) => c.type === 'resident-id');
      assert.ok(rec);
      await revokeViaApi(t, issuerKey, rec.id);
      let view: { verdict: string; code: string; message: { ko: string; en: string } } | undefined;
      // The status list is cached by its ttl: a fresh engagement until the revocation shows.
      for (let i = 0; i < 30 && view?.code !== 'credential_revoked'; i++) {
        const e = await engage();
        const created = await redeem(verifierKey, { engagement: e.link, dcql_query: dcql });
        assert.equal(created.statusCode, 201, created.body);
        const w = (await (await wait(e.wait_token)).json()) as { authorization_request: string };
        const r = await runDproof(['wallet', 'present', w.authorization_request, '--json'], env);
        assert.equal(r.code, 0, r.stderr);
        const redirect = (JSON.parse(r.stdout) as { response: { redirect_uri: string } }).response.redirect_uri;
        view = (await (await fetch(redirect)).json()) as typeof view;
        const shown = (JSON.parse(r.stdout) as { result?: { code: string; message: { ko: string } } }).result;
        assert.equal(shown?.code, view?.code, 'the CLI wallet shows the same result');
        if (view?.code !== 'credential_revoked') await new Promise((res) => setTimeout(res, 200));
      }
      assert.equal(view?.verdict, 'rejected');
      assert.match(view!.message.ko, /폐지된 증명서/);
      assert.match(view!.message.en, /revoked/);
      const h = await runDproof(['wallet', 'history', '--json'], env);
      assert.equal(h.code, 0, h.stderr);
      const verdicts = (JSON.parse(h.stdout) as { receipt: { verdict: string; code: string } }[]).map((x) => x.receipt.code);
      assert.ok(verdicts.includes('verified') && verdicts.includes('credential_revoked'), JSON.stringify(verdicts));
      // The human view says why, in both languages; never only the code.
      const table = await runDproof(['wallet', 'history'], env);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /폐지된 증명서라서 받지 않았습니다.*this credential has been revoked/);
    });

    it('lets a handle expire: the wallet is told, a clerk is refused', async () => {
      const e = await engage();
      // Last in this file: the clock only moves forward.
      t.clock.advance((e.expires_in + 1) * 1000);
      const w = (await (await wait(e.wait_token)).json()) as { status: string };
      assert.equal(w.status, 'expired');
      const late = await redeem(verifierKey, { engagement: e.link, dcql_query: dcql });
      assert.equal(late.statusCode, 400);
      assert.equal(late.json().code, 'engagement_expired');
    });
  });
}

/** The loop both reference wallets wait with (holder/await-counter-request.ts), on a clock of its own. */
describe('the wallet’s wait for the counter’s request', () => {
  const waiting = (retryAfter: string | null): WaitRound => ({ body: { status: 'waiting' }, retryAfter });
  const run = (answers: WaitRound[], o: { expiresIn?: number; stopAfter?: number } = {}) => {
    let clock = 0;
    let asked = 0;
    const sleeps: number[] = [];
    const end = awaitCounterRequest({
      ask: async () => {
        const next = answers[asked++];
        assert.ok(next, `asked ${asked} times, more than the test answers`);
        return next;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
      expiresAt: o.expiresIn ?? 120_000,
      stopped: () => o.stopAfter !== undefined && sleeps.length >= o.stopAfter,
    });
    return end.then((e) => ({ end: e, sleeps, asked }));
  };
  const requested: WaitRound = { body: { status: 'requested', authorization_request: 'openid4vp://x' }, retryAfter: null };

  it('asks again at once after a held wait, and after Retry-After seconds (1 to 10) when not held', async () => {
    const r = await run([waiting(null), waiting('3'), waiting('60'), waiting('0'), waiting('Wed, 21 Oct 2026 07:28:00 GMT'), requested]);
    assert.deepEqual(r.end, { status: 'requested', authorization_request: 'openid4vp://x' });
    assert.deepEqual(r.sleeps, [3000, 10_000, 1000, 1000]);
  });

  it('stops at the handle’s expiry: sleeps until it, asks once more, and a waiting then is expired', async () => {
    const r = await run([waiting('10'), waiting('10'), waiting('10')], { expiresIn: 15_000 });
    assert.deepEqual(r, { end: { status: 'expired' }, sleeps: [10_000, 5000], asked: 3 });
    const late = await run([waiting('10'), requested], { expiresIn: 4000 });
    assert.deepEqual(late.end.status, 'requested', 'a request handed just before the expiry is still collected');
  });

  it('stops when the wallet stops it, without asking again', async () => {
    assert.deepEqual(await run([waiting('5'), waiting('5')], { stopAfter: 1 }), { end: { status: 'stopped' }, sleeps: [5000], asked: 1 });
  });

  it('says unknown for an answer it does not know', async () => {
    assert.deepEqual((await run([{ body: { status: 'requested' }, retryAfter: null }])).end, { status: 'unknown' });
  });
});
