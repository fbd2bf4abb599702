/**
 * The web wallet's submission history lists every receipt of its key, not the first page only
 * (Chromium): GET /v1/wallet/history answers 100 at a time with `next`, and the page follows it
 * with `?cursor=`, signing a new history token for each page (a token's jti is accepted once).
 * Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { receiptRecord } from '../helpers/receipt-record.js';
import { BROWSER_SKIP, startBrowserSuite, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';

/** More than two pages of 100. */
const RECEIPTS = 230;

/** The key ids (RFC 7638 thumbprints) the page keeps in its IndexedDB (src/web/wallet/wallet-db.ts). */
const storedKeyIds = (page: Page) =>
  page.evaluate(`new Promise((resolve, reject) => {
    const r = indexedDB.open('dproof-wallet');
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const q = r.result.transaction('keys').objectStore('keys').getAllKeys();
      q.onsuccess = () => { r.result.close(); resolve(q.result); };
    };
  })`) as Promise<string[]>;

describe.skipIf(BROWSER_SKIP)('web wallet history, page by page', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let wallet: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ prefix: 'dproof-chromium-history-' });
    t = s.t;
    wallet = watchPage(await s.context.newPage(), pageErrors, { csp: true });
  });

  afterAll(async () => {
    await s?.close();
  });

  it('shows all receipts of its key, following next with a new token per page', async () => {
    const issuerKey = await t.apiKey('issuer');
    const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: t.runtime.catalog.get('driver-license')!.example });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.getByText('내 증명서 (1)').waitFor();
    const [jkt] = await storedKeyIds(wallet);
    assert.ok(jkt);

    const base = Date.now() - 3_600_000;
    await Promise.all(
      Array.from({ length: RECEIPTS }, (_, i) =>
        t.runtime.store.receipts.insert(receiptRecord({ verifier_name: `Counter ${i}`, holder_jkt: jkt, at: base + i })),
      ),
    );

    const asked: { url: string; authorization: string }[] = [];
    wallet.on('request', (r) => {
      if (new URL(r.url()).pathname === '/v1/wallet/history') asked.push({ url: r.url(), authorization: r.headers().authorization ?? '' });
    });
    await wallet.getByRole('button', { name: '기록 보기' }).click();
    await wallet.getByRole('heading', { level: 1, name: '제출 기록' }).waitFor();
    assert.equal(await wallet.locator('.cards li').count(), RECEIPTS);
    // The newest first, the oldest reached.
    assert.equal(await wallet.locator('.cards li h3').first().textContent(), `Counter ${RECEIPTS - 1}`);
    assert.equal(await wallet.locator('.cards li h3').last().textContent(), 'Counter 0');
    assert.equal(asked.length, 3, JSON.stringify(asked.map((a) => a.url)));
    assert.equal(new URL(asked[0]!.url).search, '');
    assert.match(new URL(asked[1]!.url).search, /^\?cursor=[A-Za-z0-9_-]+$/);
    assert.equal(new Set(asked.map((a) => a.authorization)).size, 3, 'one history token per page');
    assert.deepEqual(pageErrors, []);
  });
});
