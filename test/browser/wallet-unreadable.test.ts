/**
 * A card the web wallet keeps and cannot read does not empty the wallet (Chromium): the cards it
 * can read are shown and presented as ever, the unreadable one is its own card saying in Korean
 * that it cannot be read, is offered for no request, and its button deletes it from storage. And
 * such a card is not kept in the first place: an issued SD-JWT the wallet could not read again
 * (RFC 9901 §4: no `~`, a Disclosure that does not parse, one no signed digest references) is
 * refused on receipt, in Korean, and nothing is stored.
 * Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { ageOver19Query, createDcqlRequest, readRequestView } from '../presentation/helpers.js';

interface StoredCard {
  id: string;
  credential: string;
  format: string;
  vct: string;
  key: string;
}

/** The wallet's IndexedDB, read and written as the page itself does (src/web/wallet/wallet-db.ts). */
const DB = `new Promise((resolve, reject) => {
  const r = indexedDB.open('dproof-wallet', 1);
  r.onupgradeneeded = () => { r.result.createObjectStore('keys', { keyPath: 'kid' }); r.result.createObjectStore('credentials', { keyPath: 'id' }); };
  r.onerror = () => reject(r.error);
  r.onsuccess = () => resolve(r.result);
})`;
const storedCards = (page: Page) =>
  page.evaluate(`${DB}.then((db) => new Promise((resolve) => {
    const tx = db.transaction(['credentials', 'keys']);
    const c = tx.objectStore('credentials').getAll();
    const k = tx.objectStore('keys').getAllKeys();
    tx.oncomplete = () => { db.close(); resolve({ cards: c.result, keys: k.result }); };
  }))`) as Promise<{ cards: StoredCard[]; keys: string[] }>;
const putCard = (page: Page, card: Record<string, unknown>) =>
  page.evaluate(`${DB}.then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction('credentials', 'readwrite');
    tx.objectStore('credentials').put(${JSON.stringify(card)});
    tx.oncomplete = () => { db.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  }))`);

describe.skipIf(BROWSER_SKIP)('web wallet with a card it cannot read', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let issuerKey: string;
  let verifierKey: string;
  let wallet: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ env: { RATE_LIMIT_PER_MINUTE: '0' }, prefix: 'dproof-chromium-unreadable-' });
    t = s.t;
    issuerKey = await t.apiKey('issuer');
    verifierKey = await t.apiKey('verifier');
    wallet = watchPage(await s.context.newPage(), pageErrors, { csp: true });
  });

  afterAll(async () => {
    await s?.close();
  });

  it('shows the cards it can read and presents them, shows the unreadable one as such in Korean, offers it nowhere, and deletes it', async () => {
    const type = t.runtime.catalog.get('driver-license')!;
    const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.getByText('내 증명서 (1)').waitFor();
    const [good] = (await storedCards(wallet)).cards;
    assert.ok(good && good.format === 'dc+sd-jwt', 'the offer was received through the real flow');

    // The same kind of card, kept as the wallet cannot read it: its issuer-signed JWT with no `~`
    // (what a receipt that checked only the part before the first `~` let through).
    await putCard(wallet, {
      id: 'unreadable-card',
      credential: good.credential.split('~')[0],
      format: 'dc+sd-jwt',
      issuer: t.url,
      vct: good.vct,
      configuration_id: 'driver-license',
      key: 'no-such-key',
      received_at: new Date(Date.now() + 1000).toISOString(),
      expires_at: null,
    });
    await wallet.reload();
    await wallet.locator('li.vc[data-status=unreadable], .announce.error').first().waitFor();
    assert.deepEqual(await wallet.locator('.announce.error').allTextContents(), [], 'no error for the whole wallet');
    await wallet.getByText('내 증명서 (2)').waitFor();

    // The card it reads: as ever, openable.
    const readable = wallet.locator('li.vc[data-status=valid]');
    assert.equal(await readable.count(), 1);
    assert.equal((await readable.locator('h3').textContent())?.trim(), '모바일 운전면허증');
    assert.equal(await readable.getByRole('button', { name: '열기 · 카운터 QR' }).count(), 1);

    // The card it cannot read: its own card, in Korean, with nothing to open and a delete button.
    const bad = wallet.locator('li.vc[data-status=unreadable]');
    assert.equal(await bad.count(), 1);
    assert.equal((await bad.locator('.card-status').textContent())?.trim(), '읽을 수 없음');
    assert.equal(
      (await bad.locator('.unreadable-why').textContent())?.trim(),
      '지갑에 저장된 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 발급기관에 문의하십시오.',
    );
    const badText = (await bad.textContent()) ?? '';
    assert.match(badText, /읽을 수 없는 증명서는 보여 주거나 제출할 수 없습니다/);
    assert.doesNotMatch(badText, /[A-Za-z]/, badText);
    assert.equal(await bad.getByRole('button', { name: /열기/ }).count(), 0);
    assert.equal(await bad.getByRole('button', { name: '이 증명서 지우기' }).count(), 1);
    // Its reason is the decoder's sentence: in the language the page is in now, not the one it was read in.
    await wallet.getByRole('button', { name: 'English' }).click();
    // Waited for with locators: a waitForFunction predicate that is not true at once is polled
    // through eval in the page, which the page's CSP (no 'unsafe-eval') refuses on a slow run.
    const hangul = /[\uac00-\ud7a3]/;
    await bad.locator('.unreadable-why', { hasNotText: hangul }).waitFor();
    assert.doesNotMatch((await bad.locator('.unreadable-why').textContent()) ?? '', hangul);
    await wallet.getByRole('button', { name: '한국어' }).click();
    await bad.locator('.unreadable-why', { hasText: hangul }).waitFor();

    // A request for that kind of card: only the readable one is offered (no choice between two), and it verifies.
    const { id, authorization_request } = await createDcqlRequest(t.app, verifierKey, ageOver19Query(type.vct), {
      response_mode: 'direct_post.jwt',
    });
    await wallet.getByLabel('요청 링크').fill(authorization_request);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    assert.equal(await wallet.locator('.consent-cred').count(), 1);
    assert.equal(await wallet.locator('.consent-cred select').count(), 0, 'the unreadable card is no candidate');
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor({ state: 'detached' });
    assert.equal((await readRequestView(t.app, verifierKey, id)).status, 'verified');
    await wallet.getByRole('button', { name: /지갑으로/ }).click();

    // Deleting it: gone from the page and from storage; the readable card and its key stay.
    await wallet.locator('li.vc[data-status=unreadable]').getByRole('button', { name: '이 증명서 지우기' }).click();
    await wallet.getByText('내 증명서 (1)').waitFor();
    assert.equal((await wallet.locator('.announce').textContent())?.trim(), '증명서를 지웠습니다.');
    assert.equal(await wallet.locator('li.vc[data-status=unreadable]').count(), 0);
    const left = await storedCards(wallet);
    assert.deepEqual(
      left.cards.map((c) => c.id),
      [good.id],
    );
    assert.deepEqual(left.keys, [good.key]);
    await wallet.reload();
    await wallet.getByText('내 증명서 (1)').waitFor();
    assert.equal(await wallet.locator('li.vc[data-status=valid]').count(), 1);
    assert.deepEqual(pageErrors, []);
  });

  it('shows a card whose kept issuer is no URL (or none, or no text) with that text, a card whose kept expiry is no date as unreadable, the others as ever, and deletes each; a declined log changed in storage leaves out what it cannot show', async () => {
    const type = t.runtime.catalog.get('driver-license')!;
    const authority = type.issuingAuthority.ko;
    await wallet.goto(`${t.url}/wallet`);
    await wallet.locator('main h1').first().waitFor();
    const before = (await storedCards(wallet)).cards.map((c) => c.id);
    const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.locator('.announce.ok').waitFor();
    const good = (await storedCards(wallet)).cards.find((c) => !before.includes(c.id))!;
    assert.ok(good, 'the offer was received through the real flow');

    // The same credential, kept with what a record this page did not write may hold beside it.
    const odd: [string, Record<string, unknown>][] = [
      // On the real card's key: the history would be asked for them.
      ['issuer-not-a-url', { issuer: 'not a url', key: good.key }],
      ['issuer-empty', { issuer: '' }],
      ['issuer-not-text', { issuer: 42, received_at: 7, key: good.key }],
      ['expiry-not-a-date', { expires_at: 'not a date' }],
      ['expiry-not-text', { expires_at: 1893456000 }],
    ];
    for (const [id, fields] of odd)
      await putCard(wallet, {
        ...good,
        issuer: t.url,
        received_at: new Date().toISOString(),
        expires_at: null,
        key: 'no-such-key',
        ...fields,
        id,
      });
    await wallet.reload();
    const total = before.length + 1 + odd.length;
    await wallet.locator('li.vc[data-status=unreadable], .announce.error').first().waitFor();
    assert.deepEqual(await wallet.locator('.announce.error').allTextContents(), [], 'no error for the whole wallet');
    await wallet.getByText(`내 증명서 (${total})`).waitFor();

    // Readable cards: shown as ever; an issuer that is no URL is shown as kept, never parsed.
    assert.equal(await wallet.locator('li.vc[data-status=valid]').count(), total - 2);
    const issuerOf = async (id: string) =>
      (await wallet.locator(`li.vc:has(#vc-${id}) dl.rows > div`).first().locator('dd').textContent())?.trim();
    assert.equal(await issuerOf(good.id), `${authority} (${new URL(t.url).host})`);
    assert.equal(await issuerOf('issuer-not-a-url'), `${authority} (not a url)`);
    assert.equal(await issuerOf('issuer-empty'), authority);
    assert.equal(await issuerOf('issuer-not-text'), authority);

    // An expiry that is no date: the wallet cannot tell whether the card may be presented, so it is unreadable.
    const bad = wallet.locator('li.vc[data-status=unreadable]');
    assert.equal(await bad.count(), 2);
    for (const text of await bad.allTextContents()) {
      assert.match(text, /이 증명서는 지갑이 읽을 수 없는 형식으로 저장되어 있습니다\. 발급기관에 문의하십시오\./);
      assert.doesNotMatch(text, /[A-Za-z]/, text);
    }
    await wallet.getByRole('button', { name: 'English' }).click();
    assert.deepEqual(await bad.locator('.unreadable-why').allTextContents(), [
      'This credential cannot be read (its kept expiry is not a date).',
      'This credential cannot be read (its kept expiry is not a date).',
    ]);
    await wallet.getByRole('button', { name: '한국어' }).click();

    // The history is read for the real card; the cards whose kept issuer is no URL of this service
    // (on the same key) are left out of it, not a failure of the whole history.
    await wallet.getByRole('button', { name: '기록 보기' }).click();
    await wallet.getByRole('heading', { level: 1, name: '제출 기록' }).waitFor();
    assert.equal(await wallet.locator('.callout.error').count(), 0);
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    await wallet.getByText(`내 증명서 (${total})`).waitFor();

    // The card whose issuer is no URL opens, and is deleted from inside; the unreadable ones from their own buttons.
    await wallet.locator('li.vc:has(#vc-issuer-not-a-url)').getByRole('button', { name: '열기 · 카운터 QR' }).click();
    await wallet.getByRole('heading', { level: 1, name: '모바일 운전면허증' }).waitFor();
    assert.equal((await wallet.locator('dl.rows dd').first().textContent())?.trim(), authority);
    let left = total;
    await wallet.getByRole('button', { name: '이 증명서 지우기' }).click();
    await wallet.getByText(`내 증명서 (${--left})`).waitFor();
    while ((await bad.count()) > 0) {
      await bad.first().getByRole('button', { name: '이 증명서 지우기' }).click();
      await wallet.getByText(`내 증명서 (${--left})`).waitFor();
    }
    for (const id of ['issuer-empty', 'issuer-not-text']) {
      await wallet.locator(`li.vc:has(#vc-${id})`).getByRole('button', { name: '열기 · 카운터 QR' }).click();
      await wallet.getByRole('button', { name: '이 증명서 지우기' }).click();
      await wallet.getByText(`내 증명서 (${--left})`).waitFor();
    }
    assert.deepEqual((await storedCards(wallet)).cards.map((c) => c.id).sort(), [...before, good.id].sort());

    // The declined log in localStorage, changed there: what is no attempt is left out, the rest is shown.
    const at = new Date().toISOString();
    const declined = [
      null,
      5,
      'not an object',
      { at: 1, reason: 'declined' },
      { at, reason: 'no such reason' },
      { at, reason: 'declined', verifier: 'not an object', purpose: 'not an object' },
      { at, reason: 'expired', verifier: { name: '정상 검증기관' }, purpose: { ko: '연령 확인', en: 'Age check' } },
    ];
    await wallet.evaluate(`localStorage.setItem('dproof.wallet.declined', ${JSON.stringify(JSON.stringify(declined))})`);
    await wallet.getByRole('button', { name: '기록 보기' }).click();
    await wallet.getByRole('heading', { level: 1, name: '제출 기록' }).waitFor();
    assert.equal(await wallet.locator('.callout.error').count(), 0);
    assert.equal(await wallet.locator('.cards li', { hasText: '제출하지 않기로 함' }).count(), 1);
    const kept = wallet.locator('.cards li', { hasText: '정상 검증기관' });
    assert.match((await kept.textContent()) ?? '', /연령 확인.*유효기간이 지난 증명서라서 제출하지 않음/);
    await wallet.evaluate(`localStorage.removeItem('dproof.wallet.declined')`);
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    assert.deepEqual(pageErrors, []);
  });

  it('refuses, in Korean, an issued credential it could not read again (no ~, a Disclosure that does not parse or is not signed for), and keeps nothing', async () => {
    const type = t.runtime.catalog.get('driver-license')!;
    const b64 = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
    const form = '발급기관이 보낸 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.';
    const item =
      '발급기관이 보낸 증명서에 읽을 수 없거나 발급기관의 서명에 포함되지 않은 항목이 있습니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.';
    // What the issuer's credential endpoint answered, changed on its way to the page; the issuer signature still verifies.
    const cases: [string, (credential: string) => string, string][] = [
      ['no ~ at all: the issuer-signed JWT alone', (c) => c.split('~')[0]!, form],
      ['no trailing ~: the last Disclosure read as a KB-JWT', (c) => c.slice(0, -1), form],
      ['a Disclosure of one member', (c) => `${c}${b64(['salt'])}~`, item],
      ['a Disclosure that is no JSON', (c) => `${c}${Buffer.from('not json').toString('base64url')}~`, item],
      ['a Disclosure whose digest is in no signed _sd', (c) => `${c}${b64(['c2FsdHNhbHRzYWx0', 'family_name', 'Mallory'])}~`, item],
      ['the same Disclosure twice', (c) => `${c}${c.split('~')[1]}~`, item],
    ];
    await wallet.goto(`${t.url}/wallet`);
    await wallet.locator('main h1').first().waitFor();
    const before = await storedCards(wallet);
    for (const [what, tamper, korean] of cases) {
      const offer = await makeOffer(t, issuerKey, { type: 'driver-license', claims: type.example });
      const sent: string[] = [];
      await wallet.route('**/openid4vci/credential', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { credentials: { credential: string }[] };
        assert.match(body.credentials[0]!.credential, /~$/, 'the issuer sends <JWT>~<Disclosures>~');
        body.credentials[0]!.credential = tamper(body.credentials[0]!.credential);
        sent.push(body.credentials[0]!.credential);
        await route.fulfill({ response: res, json: body });
      });
      await wallet.getByLabel('발급 링크').fill(offer.offer);
      await wallet.getByRole('button', { name: '받기' }).click();
      await wallet.locator('.callout.error, .announce.ok').first().waitFor();
      await wallet.unroute('**/openid4vci/credential');
      assert.equal(sent.length, 1, what);
      const said = ((await wallet.locator('.callout.error').allTextContents())[0] ?? '').trim();
      assert.equal(said, korean, what);
      assert.doesNotMatch(said, /[A-Za-z_]/, what);
      // Nothing kept: no card, and the key made for it deleted.
      assert.deepEqual(await storedCards(wallet), before, what);
      await wallet.reload();
      await wallet.locator('main h1').first().waitFor();
      assert.equal(await wallet.locator('li.vc[data-status=unreadable]').count(), 0, what);
    }
    assert.deepEqual(pageErrors, []);
  });
});
