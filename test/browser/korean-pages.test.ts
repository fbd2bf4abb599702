/**
 * Every page in Korean, at phone (390 px) and desktop size, in each state a person reaches
 * (signed out, signed in, with an offer, with credentials, with a verdict): the main text has no
 * English words outside an allow-list of proper names and standard abbreviations, no raw claim id
 * or error code, no element wider than the viewport, and the browser logs no error. Codes may
 * appear only in places meant for support (`.mono`, `<code>`, `<details>`, field values).
 *
 * Also: a key of the wrong role is turned away at sign-in on the verifier page and the console,
 * in words, before anything else is asked of the server.
 *
 * Runs when TEST_BROWSER names a Chromium binary (.ci/run sets /usr/bin/chromium).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, type BrowserSuite } from '../helpers/launch-chromium.js';

if (BROWSER_SKIP) console.log(`skipping Korean pages suite: ${BROWSER_SKIP}`);

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Latin words a Korean page may show: proper names of standards, products and formats, and
 * abbreviations Korean public services print as they are.
 */
const ALLOWED_LATIN = new Set(
  [
    'API',
    'ISO',
    'QR',
    'PIN',
    'ID',
    'URL',
    'JSON',
    'OpenID4VCI',
    'OpenID4VP',
    'SD-JWT',
    'VC',
    'VC-JWT',
    'JWT',
    'dc+sd-jwt',
    'vc+jwt',
    'issuer',
    'admin',
    'verifier',
    'English',
    'digital-proof',
    'npx',
    'dproof',
    'KB-JWT',
    'KID',
    'ALG',
    'ES256',
    'EdDSA',
    'HTTPS',
    'KR',
    'ISO',
    'IEC',
    'JPEG',
    'PNG',
    'DCQL',
    'KB',
    'MB',
    'mDL',
    'ROK',
  ].map((w) => w.toLowerCase()),
);

interface PageAudit {
  english: string[];
  codes: string[];
  wide: string[];
}

/**
 * Runs in the page: walks the visible text of <main> (and the header/footer), skipping places meant
 * for codes; lists Latin words not allowed, snake_case codes and claim ids, and elements wider
 * than the viewport.
 */
const AUDIT = `(() => {
  const allowed = new Set(${JSON.stringify([...ALLOWED_LATIN])});
  const claimIds = new Set(window.__claimIds || []);
  const english = [], codes = [], wide = [];
  const skip = (el) => el.closest('noscript, .mono, code, pre, details, textarea, input, select option[value=""], [data-code], .visually-hidden, [hidden]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const text = n.textContent || '';
    for (const word of text.match(/[A-Za-z][A-Za-z0-9+_.-]*[A-Za-z0-9]|[A-Za-z]/g) || []) {
      if (/_/.test(word) || claimIds.has(word)) { codes.push(word + ' ← ' + text.trim().slice(0, 60)); continue; }
      if (word.length < 2) continue;
      if (!allowed.has(word.toLowerCase())) english.push(word + ' ← ' + text.trim().slice(0, 60));
    }
  }
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1) wide.push('document ' + document.documentElement.scrollWidth + ' > ' + width);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= 0) continue; // moved off-screen on purpose (the skip link until focused)
    if (r.right > width + 1 || r.left < -1) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' ' + Math.round(r.left) + '…' + Math.round(r.right));
  }
  return { english, codes, wide: wide.slice(0, 10) };
})()`;

describe.skipIf(BROWSER_SKIP)('pages read as Korean, at phone and desktop size', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let context: BrowserContext;
  let issuerKey: string;
  let verifierKey: string;
  let adminKey: string;
  let claimIds: string[] = [];
  const consoleErrors: string[] = [];
  const nonceRetries = new Map<string, number>();
  const pendingBodies: Promise<void>[] = [];

  /** Console errors, less the 400s that were DPoP nonce retries (counted by URL). */
  async function unexplained(): Promise<string[]> {
    await Promise.all(pendingBodies);
    const left = new Map(nonceRetries);
    return consoleErrors.filter((e) => {
      const m = /status of 400 .* @ (.+)$/.exec(e);
      const n = m?.[1] ? (left.get(m[1]) ?? 0) : 0;
      if (m?.[1] && n > 0) {
        left.set(m[1], n - 1);
        return false;
      }
      return true;
    });
  }

  beforeAll(async () => {
    s = await startBrowserSuite({ prefix: 'dproof-chromium-ko-', viewport: PHONE });
    ({ t, context } = s);
    issuerKey = await t.apiKey('issuer');
    verifierKey = await t.apiKey('verifier');
    adminKey = await t.apiKey('admin');
    const types = (await (await fetch(`${t.url}/v1/credential-types`)).json()) as {
      claim_descriptions: Record<string, unknown>;
    }[];
    claimIds = [...new Set(types.flatMap((x) => Object.keys(x.claim_descriptions)))].filter((id) => /[_]|^[a-z]+$/.test(id));
  });

  afterAll(async () => {
    await s?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (err) => consoleErrors.push(`${path}: ${err.message}`));
    // RFC 9449 §8: a DPoP proof without the server's nonce is answered 400 use_dpop_nonce (with a
    // DPoP-Nonce header) and the wallet retries with it; Chromium logs that answer as a console
    // error. Those answers are counted by URL and, at the check, only that many are forgiven.
    page.on('response', (r) => {
      if (r.status() !== 400 || !r.headers()['dpop-nonce']) return;
      pendingBodies.push(
        r
          .text()
          .then((body) => {
            if (body.includes('use_dpop_nonce')) nonceRetries.set(r.url(), (nonceRetries.get(r.url()) ?? 0) + 1);
          })
          .catch(() => undefined),
      );
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${path}: ${msg.text()} @ ${msg.location().url}`);
    });
    await page.addInitScript(`window.__claimIds = ${JSON.stringify(claimIds)}`);
    await page.goto(`${t.url}${path}`);
    return page;
  }

  /**
   * Chromium logs every 4xx answer to a fetch as a console error; a refusal the step provoked on
   * purpose (a wrong code) is taken off the list, any other stays.
   */
  async function expectedRefusal(path: string): Promise<void> {
    await Promise.all(pendingBodies);
    // The last 4xx logged on that page (a nonce retry before it is forgiven by unexplained()).
    let i = -1;
    consoleErrors.forEach((e, k) => {
      if (e.startsWith(`${path}: Failed to load resource: the server responded with a status of 4`)) i = k;
    });
    assert.ok(i >= 0, `the browser logged the refusal on ${path}`);
    consoleErrors.splice(i, 1);
  }

  /** The audit at both sizes; `name` says which state of which page. */
  async function audit(page: Page, name: string): Promise<void> {
    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      const found = (await page.evaluate(AUDIT)) as PageAudit;
      assert.deepEqual(found.english, [], `${name} at ${viewport.width} px: English in Korean mode`);
      assert.deepEqual(found.codes, [], `${name} at ${viewport.width} px: codes or claim ids in the main text`);
      assert.deepEqual(found.wide, [], `${name} at ${viewport.width} px: wider than the viewport`);
    }
    await page.setViewportSize(PHONE);
  }

  it('the console, signed out, as an agency with an offer and credentials, and as an operator', async () => {
    const page = await open('/console');
    await page.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키').waitFor();
    await audit(page, 'console signed out');

    const key = page.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키');
    await key.fill(issuerKey);
    await key.press('Enter');
    await page.getByText('발급기관(issuer) 키로 접속했습니다.').waitFor();
    for (const type of ['resident-id', 'driver-license', 'civil-servant-id', 'vaccination']) {
      const options = await page
        .getByLabel('증명서 종류')
        .locator('option')
        .evaluateAll((o) => o.map((x) => (x as unknown as { value: string }).value));
      if (!options.includes(type)) continue;
      await page.getByLabel('증명서 종류').selectOption(type);
      await page.getByRole('button', { name: '예시 값으로 채우기' }).click();
      await audit(page, `console form ${type}`);
    }
    await page.getByLabel('증명서 종류').selectOption('resident-id');
    await page.getByRole('button', { name: '예시 값으로 채우기' }).click();

    // The portrait is a file picker: type (by its first bytes) and size are checked in the page.
    const picker = page.locator('input[type=file][data-pointer="/portrait"]');
    await picker.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000', 'hex') });
    await page.getByText('JPEG 사진 파일이 아닙니다.').waitFor();
    assert.equal(await picker.getAttribute('aria-invalid'), 'true');
    await picker.setInputFiles({
      name: 'big.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.concat([Buffer.from('ffd8ff', 'hex'), Buffer.alloc(20_000)]),
    });
    await page.getByText(/사진이 너무 큽니다/).waitFor();
    const example = t.runtime.catalog.get('resident-id')?.example as { portrait: string };
    const jpeg = Buffer.from(example.portrait, 'base64url');
    await picker.setInputFiles({ name: 'face.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await page.locator('img.portrait-preview:not([hidden])').waitFor();
    assert.equal(await picker.getAttribute('aria-invalid'), null);
    await audit(page, 'console form with a portrait');
    await page.getByRole('button', { name: '발급 제안 만들기' }).click();
    await page.locator('#offer-result').waitFor();
    await audit(page, 'console offer');

    // A few credentials so the list has rows in every state.
    for (let i = 0; i < 3; i++) await issueByApi();
    await page.getByRole('button', { name: '새로 고침' }).click();
    await page.locator('[data-id]').nth(2).waitFor();
    await audit(page, 'console credentials');

    await page.getByRole('button', { name: '나가기' }).click();
    await key.fill(adminKey);
    await key.press('Enter');
    await page.getByRole('heading', { name: '서명 키' }).waitFor();
    await audit(page, 'console admin');
    await page.close();
    assert.deepEqual(await unexplained(), []);
  });

  it('the verifier page, signed out, signed in, with a request and a verdict', async () => {
    const page = await open('/verifier');
    await page.getByLabel('검증기관(verifier) API 키').waitFor();
    await audit(page, 'verifier signed out');
    await page.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
    await page.getByRole('button', { name: '시작' }).click();
    await page.getByLabel('확인 항목').waitFor();
    await audit(page, 'verifier signed in');
    await page.getByLabel('확인 항목').selectOption('adult');
    await page.getByRole('button', { name: '요청 QR 만들기' }).click();
    await page.locator('canvas.qr').waitFor();
    await audit(page, 'verifier request');
    await page.getByRole('tab', { name: '지갑 QR 읽기' }).click();
    await page.getByRole('button', { name: '창구 코드 보여 주기' }).click();
    await page.locator('#counter-challenge').waitFor({ state: 'attached' });
    await audit(page, 'verifier counter');
    // A presentation that is not one: the verdict says so in Korean, the code only in details.
    await page.getByLabel('QR 내용').fill('eyJhbGciOiJFUzI1NiJ9.e30.AAAA~');
    await page.getByRole('button', { name: '확인', exact: true }).click();
    await page.locator('.verdict.bad, [role=alert]').first().waitFor();
    await audit(page, 'verifier refused');
    await page.close();
    assert.deepEqual(await unexplained(), []);
  });

  it('the wallet, empty, with a credential, and after a wrong transaction code', async () => {
    const page = await open('/wallet');
    await page.getByLabel('발급 링크').waitFor();
    await audit(page, 'wallet empty');
    const offer = await createOffer(true);
    await page.getByLabel('발급 링크').fill(offer.offer);
    await page.getByRole('button', { name: '받기' }).click();
    await page.getByText(/거래 코드.*필요합니다/).waitFor();
    await audit(page, 'wallet asks for the code');
    const wrong = offer.tx_code === '000000' ? '111111' : '000000';
    await page.getByLabel('거래 코드 (발급기관이 알려 준 경우)').fill(wrong);
    await page.getByRole('button', { name: '받기' }).click();
    await page.getByText(/거래 코드가 맞지 않습니다/).waitFor();
    await expectedRefusal('/wallet');
    await audit(page, 'wallet wrong code');
    // Typed as a Korean IME may type digits (full-width, U+FF10–U+FF19): the wallet sends the ASCII digits.
    const fullWidth = [...(offer.tx_code ?? '')].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
    await page.getByLabel('거래 코드 (발급기관이 알려 준 경우)').fill(fullWidth);
    await page.getByRole('button', { name: '받기' }).click();
    await page.getByText('내 증명서 (1)').waitFor();
    await audit(page, 'wallet with a credential');
    await page.locator('.cards li, .vc').first().click();
    await audit(page, 'wallet card');
    await page.close();
    assert.deepEqual(await unexplained(), []);
  });

  it('turns a key of the wrong role away at sign-in, in words', async () => {
    const verifier = await open('/verifier');
    await verifier.getByLabel('검증기관(verifier) API 키').fill(issuerKey);
    await verifier.getByRole('button', { name: '시작' }).click();
    const refusal = verifier.locator('[role=alert]').first();
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', /검증기관/);
    assert.equal(await verifier.getByLabel('확인 항목').count(), 0, 'the issuer key did not get past sign-in');
    await audit(verifier, 'verifier wrong role');
    await verifier.close();

    const consolePage = await open('/console');
    const requests: string[] = [];
    consolePage.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await consolePage.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키').fill(verifierKey);
    await consolePage.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키').press('Enter');
    const consoleRefusal = consolePage.locator('.field-error, [role=alert]').first();
    await consoleRefusal.waitFor();
    assert.match((await consoleRefusal.textContent()) ?? '', /발급기관|운영자/);
    assert.ok(!requests.includes('/v1/admin/keys') && !requests.includes('/v1/credentials'), requests.join(' '));
    await audit(consolePage, 'console wrong role');
    await consolePage.close();
    assert.deepEqual(await unexplained(), []);
  });

  async function createOffer(txCode: boolean): Promise<{ offer: string; tx_code?: string }> {
    const type = t.runtime.catalog.get('resident-id');
    assert.ok(type);
    const res = await fetch(`${t.url}/v1/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: type.id, claims: type.example, tx_code: txCode }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as { offer: string; tx_code?: string };
  }

  async function issueByApi(): Promise<void> {
    const { generateHolderKey } = await import('../../src/wallet/holder-key.js');
    const holder = await generateHolderKey();
    const type = t.runtime.catalog.get('driver-license') ?? t.runtime.catalog.get('resident-id');
    assert.ok(type);
    const res = await fetch(`${t.url}/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: type.id, claims: type.example, holder_jwk: holder.publicJwk }),
    });
    assert.equal(res.status, 201, await res.clone().text());
  }
});
