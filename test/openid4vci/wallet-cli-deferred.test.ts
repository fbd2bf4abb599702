/**
 * The reference wallet (`dproof wallet receive`) with deferred issuance and notifications: it polls
 * the deferred credential endpoint at the issuer's interval until the agency completes, keeps the
 * credentials, then tells the issuer `credential_accepted` (OpenID4VCI §9, §11). The issuer takes
 * DPoP, so the wallet's token is DPoP-bound and it polls and notifies with DPoP proofs (a bound
 * token as Bearer is refused there, RFC 9449 §7). Real HTTP.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`dproof wallet receive with deferred issuance and notifications on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let dir: string;
    const TYPE = 'resident-id';
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0', DEFERRED_INTERVAL_SECONDS: '1' } });
      issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-wallet-deferred-'));
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const events = async () => {
      const items = (
        (await t.app.inject({ url: '/v1/credentials?limit=50', headers: { authorization: `Bearer ${issuerKey}` } })).json() as {
          items: { wallet_event: { event: string } | null }[];
        }
      ).items;
      return items.map((i) => i.wallet_event?.event ?? null);
    };

    it('sends credential_accepted once the received credentials are stored', async () => {
      const env = { DPROOF_WALLET: join(dir, 'a.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example });
      const got = await runDproof(['wallet', 'receive', offer.offer, '--batch', '2'], env);
      assert.equal(got.code, 0, got.stderr);
      assert.deepEqual((await events()).slice(0, 2), ['credential_accepted', 'credential_accepted']);
    });

    it('waits while the agency decides, receives what it completed, and acknowledges it', async () => {
      const env = { DPROOF_WALLET: join(dir, 'b.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, deferred: true });
      const receiving = runDproof(['wallet', 'receive', offer.offer, '--wait', '60', '--json'], env);
      let id: string | undefined;
      for (let i = 0; i < 100 && !id; i++) {
        const list = (await t.app.inject({ url: '/v1/deferred', headers: { authorization: `Bearer ${issuerKey}` } })).json() as {
          items: { id: string; state: string }[];
        };
        id = list.items.find((x) => x.state === 'pending')?.id;
        if (!id) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(id, 'the wallet opened a deferred issuance');
      const done = await t.app.inject({
        method: 'POST',
        url: `/v1/deferred/${id}/complete`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: {},
      });
      assert.equal(done.statusCode, 200, done.body);
      const got = await receiving;
      assert.equal(got.code, 0, got.stderr);
      assert.equal((JSON.parse(got.stdout) as unknown[]).length, 1);
      assert.equal((await events())[0], 'credential_accepted');
      // The token was DPoP-bound: the transaction and the notification kept its key, and the wallet
      // polled and notified with proofs by it (as Bearer both endpoints refuse a bound token).
      const row = await t.runtime.store.vciIssuance.deferred(id);
      assert.equal(row?.state, 'collected');
      assert.match(row?.dpop_jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
      const note = await t.runtime.store.db
        .selectFrom('vci_notifications')
        .select(['dpop_jkt', 'event'])
        .where('token_hash', '=', row!.token_hash)
        .executeTakeFirst();
      assert.equal(note?.event, 'credential_accepted');
      assert.equal(note?.dpop_jkt, row?.dpop_jkt);
    });

    it('gives up after --wait with a clear message when the agency has not decided, and refuses a bad --wait', async () => {
      const env = { DPROOF_WALLET: join(dir, 'c.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, deferred: true });
      const r = await runDproof(['wallet', 'receive', offer.offer, '--wait', '0'], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not issued the credential yet \(deferred/);
      const bad = await runDproof(['wallet', 'receive', offer.offer, '--wait', 'soon'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /invalid_wait|--wait must/);
    });
  });
}
