/**
 * What the pages say when they refuse, in Chromium against a listening app (findings of the
 * pages' black-box sweep): the wallet's own refusals of a request are Korean sentences (a forged
 * signer is told as "not from the verifier it names; do not present"), a bad pasted link is a bad
 * link; the server's own Korean refusal is shown, not a fixed table's; the verifier names no
 * credential it did not read and drops an old request's QR when a new one is refused; the
 * console says "none yet" only of a list it read, and names invisible characters as such.
 * Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { ageOver19Query, createDcqlRequest, issueViaApi } from '../presentation/helpers.js';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import { FIELD_MESSAGES } from '../../src/verdict/field-messages.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// By path: src/web is type-checked against the DOM (src/web/tsconfig.json), not with the tests.
const { WALLET_REQUEST_REFUSAL } = (await import(
  pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'web', 'wallet', 'request-refusals.ts')).href
)) as { WALLET_REQUEST_REFUSAL: Record<'signed_by_another' | 'key_not_published', { ko: string; en: string }> };

const HANGUL = /[\uAC00-\uD7A3]/;

describe.skipIf(BROWSER_SKIP)('pages refusing, in Korean', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let context: BrowserContext;
  let verifierKey: string;
  let issuerKey: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ env: { RATE_LIMIT_PER_MINUTE: '0' }, prefix: 'dproof-chromium-refusals-' });
    ({ t, context } = s);
    verifierKey = await t.apiKey('verifier');
    issuerKey = await t.apiKey('issuer');
  });

  afterAll(async () => {
    await s?.close();
  });

  const open = async (path: string): Promise<Page> => {
    const page = watchPage(await context.newPage(), pageErrors);
    await page.goto(`${t.url}${path}`);
    return page;
  };

  const ask = () =>
    createDcqlRequest(t.app, verifierKey, ageOver19Query(t.runtime.catalog.get('driver-license')!.vct), {
      response_mode: 'direct_post.jwt',
    });

  /** The wallet's refusal of a request link (undefined: the consent screen opened). */
  async function openRequest(page: Page, link: string): Promise<string | undefined> {
    await page.getByLabel('요청 링크').fill(link);
    await page.getByRole('button', { name: '요청 열기' }).click();
    await page.locator('#who-h, .callout.error').first().waitFor();
    return (await page.locator('.callout.error').count()) ? ((await page.locator('.callout.error').textContent()) ?? '').trim() : undefined;
  }

  it('the wallet says a request signed by another party is not from the verifier it names, and not to present', async () => {
    const wallet = await open('/wallet');
    const link = new URL((await ask()).authorization_request);
    link.searchParams.set('client_id', 'decentralized_identifier:did:web:verifier.example');
    const said = await openRequest(wallet, link.href);
    assert.equal(said, WALLET_REQUEST_REFUSAL.signed_by_another.ko);
    assert.match(said!, /검증기관이 보낸 것이 아닙니다\. 제출하지 마십시오\.$/);
    await wallet.close();
  });

  it('the wallet refuses, in Korean, a request signed with a key its verifier does not publish', async () => {
    const wallet = await open('/wallet');
    await wallet.route('**/.well-known/did.json', async (route) => {
      const res = await route.fetch();
      const doc = (await res.json()) as Record<string, unknown>;
      await route.fulfill({ response: res, json: { ...doc, verificationMethod: [] } });
    });
    const said = await openRequest(wallet, (await ask()).authorization_request);
    assert.equal(said, WALLET_REQUEST_REFUSAL.key_not_published.ko);
    assert.doesNotMatch(said!, /[A-Za-z]/);
    await wallet.close();
  });

  it('the wallet calls a pasted link that is not a request link so, without parameter names', async () => {
    const wallet = await open('/wallet');
    for (const link of ['javascript:alert(1)', 'openid4vp://?client_id=x&request=eyJhbGciOiJub25lIn0.e30.']) {
      const said = await openRequest(wallet, link);
      assert.match(said!, /제출 요청 링크가 아닙니다/, link);
      assert.doesNotMatch(said!, /_|[a-z]/, link); // no client_id, request_uri (QR is a word here)
    }
    const bad = new URL((await ask()).authorization_request);
    bad.searchParams.set('request_uri', 'A'.repeat(40));
    assert.equal(await openRequest(wallet, bad.href), '제출 요청 링크가 올바르지 않습니다.');
    await wallet.close();
  });

  it('the wallet calls an over-long offer link a bad offer link, and the paste does not stall the page', async () => {
    const wallet = await open('/wallet');
    const started = Date.now();
    await wallet.getByLabel('발급 링크').fill(`openid-credential-offer://?credential_offer_uri=${'A'.repeat(50_000)}`);
    const filled = Date.now() - started;
    await wallet.getByRole('button', { name: '받기' }).click();
    const error = wallet.locator('.callout.error');
    await error.waitFor();
    assert.equal((await error.textContent())?.trim(), '발급 링크가 올바르지 않습니다.');
    // The box keeps at most 8,192 characters: laying out 50,000 in one line took Chromium ~2.5 s.
    assert.equal(await wallet.getByLabel('발급 링크').evaluate((e) => (e as unknown as { value: string }).value.length), 8192);
    assert.ok(filled < 2000, `the paste took ${filled} ms`);
    await wallet.close();
  });

  it('the wallet refuses a bad offer in a Korean sentence that says what is wrong and what to do, with no English', async () => {
    const wallet = await open('/wallet');
    const issuer = (await (await fetch(`${t.url}/.well-known/openid-credential-issuer`)).json()) as { credential_issuer: string };
    const byValue = (offer: unknown) => `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
    const grants = { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': { 'pre-authorized_code': 'not-a-real-code' } };
    const cases: [string, string][] = [
      [byValue([1]), '발급 제안의 내용을 읽을 수 없습니다. 발급기관에 새 발급 QR을 요청하십시오.'],
      [
        byValue({ credential_issuer: issuer.credential_issuer, grants }),
        '발급 제안에 어떤 증명서를 발급하는지 적혀 있지 않습니다. 발급기관에 새 발급 QR을 요청하십시오.',
      ],
      [
        byValue({ credential_issuer: issuer.credential_issuer, credential_configuration_ids: ['driver-license'] }),
        '이 발급 제안에는 증명서를 받는 데 필요한 발급 코드가 없습니다. 발급기관에 새 발급 QR을 요청하십시오.',
      ],
      [
        byValue({ credential_issuer: issuer.credential_issuer, credential_configuration_ids: ['no-such-configuration'], grants }),
        '발급 제안에 적힌 증명서를 이 발급기관이 발급하지 않습니다. 발급기관에 새 발급 QR을 요청하십시오.',
      ],
    ];
    const error = wallet.locator('.callout.error');
    for (const [link, korean] of cases) {
      await wallet.getByLabel('발급 링크').fill(link);
      await wallet.getByRole('button', { name: '받기' }).click();
      await error.waitFor();
      const said = ((await error.textContent()) ?? '').trim();
      assert.equal(said, korean, link);
      assert.doesNotMatch(said, /[a-z_]/, link); // no English word, no code (QR is a word here)
      await wallet.reload();
    }
    await wallet.close();
  });

  it('the wallet says in Korean that a card it keeps cannot be read, not in a parser’s English', async () => {
    const wallet = await open('/wallet');
    await wallet.locator('main h1').first().waitFor();
    // Straight into the wallet's IndexedDB, as a card the issuer sent in a form the wallet cannot read.
    const store = (op: string) =>
      wallet.evaluate(
        `new Promise((resolve, reject) => {
          const r = indexedDB.open('dproof-wallet', 1);
          r.onupgradeneeded = () => { r.result.createObjectStore('keys', { keyPath: 'kid' }); r.result.createObjectStore('credentials', { keyPath: 'id' }); };
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const tx = r.result.transaction('credentials', 'readwrite');
            const s = tx.objectStore('credentials');
            ${op};
            tx.oncomplete = () => { r.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
        })`,
      );
    const put = (credential: string) =>
      store(
        `s.put(${JSON.stringify({
          id: 'unreadable',
          credential,
          format: 'dc+sd-jwt',
          issuer: t.url,
          vct: 'urn:example:unreadable',
          configuration_id: 'unreadable',
          key: 'none',
          received_at: new Date().toISOString(),
          expires_at: null,
        })})`,
      );
    const notSdJwt = '지갑에 저장된 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 발급기관에 문의하십시오.';
    const badItem = '지갑에 저장된 증명서에 읽을 수 없는 항목이 있습니다. 발급기관에 문의하십시오.';
    const cases: [string, string][] = [
      ['not-an-sd-jwt', notSdJwt], // no "~" at all
      ['a.b.c~', notSdJwt], // jose's "Invalid JWT" before
      [`a.b.c~${Buffer.from('["x"]').toString('base64url')}~`, badItem], // a Disclosure of one element
      ['a.b.c~%%%~', badItem], // not base64url: a parser's English before
    ];
    try {
      for (const [credential, korean] of cases) {
        await put(credential);
        await wallet.reload();
        // Said on the card itself (test/browser/wallet-unreadable.test.ts: the other cards stay).
        const said = wallet.locator('li.vc[data-status=unreadable] .unreadable-why');
        await said.waitFor();
        const text = ((await said.textContent()) ?? '').trim();
        assert.equal(text, korean, credential);
        assert.doesNotMatch(text, /[A-Za-z_]/, credential);
      }
    } finally {
      await store(`s.delete('unreadable')`);
    }
    await wallet.close();
  });

  it('the verifier names no credential for junk pasted at the counter, and drops an old QR when a new request is refused', async () => {
    const page = await open('/verifier');
    await page.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
    await page.getByRole('button', { name: '시작' }).click();
    await page.getByLabel('확인 항목').selectOption('adult');
    await page.getByRole('tab', { name: '지갑 QR 읽기' }).click();
    await page.getByLabel('QR 내용').fill('this is not a presentation');
    await page.getByRole('button', { name: '확인', exact: true }).click();
    await page.locator('.verdict.bad').waitFor();
    assert.equal(
      await page.locator('.verdict p', { hasText: /^증명서:/ }).count(),
      0,
      (await page.locator('.verdict').textContent()) ?? '',
    );

    await page.getByRole('tab', { name: '창구 QR 보여 주기' }).click();
    await page.getByLabel('확인 항목').selectOption('custom');
    // "요청 QR 만들기", "다음 손님: …" after a verdict, "새 요청" while a request is shown.
    const make = page.locator('section[aria-labelledby=online-h] button.primary');
    await make.click();
    await page.locator('canvas.qr').waitFor();
    await page.getByLabel('DCQL 질의 (OpenID4VP §6)').fill('{"credentials":[]}');
    await make.click();
    await page.locator('[role=alert]').first().waitFor();
    assert.equal(await page.locator('canvas.qr').count(), 0, 'the old request’s QR is gone');
    assert.equal(await page.getByText('지갑의 응답을 기다리는 중…').count(), 0);
    await page.close();
  });

  it('the console shows the server’s Korean refusal of a reason, takes 500 characters, and says "none yet" only of a list it read', async () => {
    await issueViaApi(t, issuerKey, 'driver-license', await generateHolderKey());
    const page = await open('/console');
    const key = page.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키');
    await key.fill(issuerKey);
    await key.press('Enter');
    await page.locator('[data-id]').first().waitFor();
    const reason = page.getByLabel('상태 변경 사유');
    assert.equal(await reason.getAttribute('maxlength'), '500');
    await reason.fill('분실\u202E 신고');
    await page.getByRole('button', { name: '효력 정지', exact: true }).first().click();
    const alert = page.locator('.callout.error');
    await alert.waitFor();
    assert.equal((await alert.textContent())?.trim(), `사유에는 ${FIELD_MESSAGES.unsafeTextOrSeparator.ko}`);

    await page.route('**/v1/credentials?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 503, code: 'store_unavailable', detail: 'store down' }),
      }),
    );
    await page.getByRole('button', { name: '나가기' }).click();
    await key.fill(issuerKey);
    await key.press('Enter');
    await page.getByRole('button', { name: '새로 고침' }).waitFor();
    await page.getByRole('button', { name: '새로 고침' }).click();
    await page.locator('.callout.error').waitFor();
    assert.equal(await page.getByText('아직 없습니다.').count(), 0);
    await page.close();
  });

  it('the console form names invisible and direction-control characters instead of "not in the expected form"', async () => {
    const page = await open('/console');
    const key = page.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키');
    await key.fill(issuerKey);
    await key.press('Enter');
    await page.getByLabel('증명서 종류').selectOption('resident-id');
    await page.getByRole('button', { name: '예시 값으로 채우기' }).click();
    await page.locator('[data-pointer="/family_name"]').fill('홍\u202E');
    await page.getByRole('button', { name: '발급 제안 만들기' }).click();
    const err = page.locator('#' + (await page.locator('[data-pointer="/family_name"]').getAttribute('id')) + '-err');
    await err.waitFor();
    assert.equal((await err.textContent())?.trim(), FIELD_MESSAGES.unsafeText.ko);
    assert.match(FIELD_MESSAGES.unsafeText.ko, HANGUL);
    await page.close();
    assert.deepEqual(pageErrors, []);
  });
});
