/**
 * The web pages in a real browser (Chromium through playwright-core), against a real listening
 * server: the console issues an offer → the wallet receives it → the verifier asks for
 * age_over_19 (counter QR and OpenID4VP) → green with only that claim; the console revokes →
 * red with the revocation reason; a wrong API key on the console. Screenshots of every page at
 * phone and desktop sizes go to test-results/web/, and axe-core checks each page.
 *
 * Runs when TEST_BROWSER names a Chromium binary (.ci/run sets /usr/bin/chromium); when it is
 * set but the browser cannot start, the suite fails.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { ROOT } from '../helpers/spawn-server.js';
import { BROWSER_SKIP, startBrowserSuite, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { parseCounterChallenge } from '../../src/holder/counter-challenge-link.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { generateHolderKey } from '../../src/wallet/holder-key.js';

if (BROWSER_SKIP) console.log(`skipping browser suite: ${BROWSER_SKIP}`);

const SHOTS = join(ROOT, 'test-results', 'web');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe.skipIf(BROWSER_SKIP)('web pages in Chromium', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let context: BrowserContext;
  let issuerKey: string;
  let verifierKey: string;
  let adminKey: string;
  /** Uncaught page errors and CSP / Trusted Types violations, by page. */
  const problems: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ viewport: DESKTOP });
    ({ t, context } = s);
    issuerKey = await t.apiKey('issuer');
    verifierKey = await t.apiKey('verifier');
    adminKey = await t.apiKey('admin');
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await s?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = watchPage(await context.newPage(), problems, { label: path, csp: true });
    await page.goto(`${t.url}${path}`);
    return page;
  }

  /** Waits for `text`; on a timeout says what the page was showing instead (alerts, status, busy buttons). */
  async function waitForText(page: Page, text: RegExp, name: string): Promise<void> {
    try {
      await page.getByText(text).first().waitFor();
    } catch (e) {
      const shown = await page
        .locator('[role=alert], [role=status]')
        .allTextContents()
        .catch(() => []);
      const disabled = await page
        .locator('button:disabled')
        .allTextContents()
        .catch(() => []);
      await screenshots(page, `failed-${name}`).catch(() => {});
      throw new Error(
        `${name}: ${text} did not appear; alerts/status: ${JSON.stringify(shown)}; disabled buttons: ${JSON.stringify(disabled)}`,
        { cause: e },
      );
    }
  }

  async function screenshots(page: Page, name: string): Promise<void> {
    for (const [size, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
    }
  }

  /** axe-core inside the page: no serious or critical violation of WCAG 2.1 A/AA or best practice. */
  async function checkAccessibility(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] })
      .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })))`)) as {
      id: string;
      impact: string;
    }[];
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], `${name}: ${JSON.stringify(serious, null, 1)}`);
  }

  it('serves the pages with a strict Content-Security-Policy and leaves the JSON API headers alone', async () => {
    for (const page of ['wallet', 'verifier', 'console']) {
      const res = await fetch(`${t.url}/${page}`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /require-trusted-types-for 'script'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|http:/);
      // Only the wallet page loads a verifier's https logo (logo_uri); the others keep images to 'self'.
      const imgSrc = /(?:^|;)\s*img-src ([^;]*)/.exec(csp)?.[1] ?? '';
      assert.equal(imgSrc, page === 'wallet' ? "'self' data: blob: https:" : "'self' data: blob:", page);
      assert.doesNotMatch(csp.replace(/(?:^|;)\s*img-src [^;]*/, ''), /https:/, page);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const html = await res.text();
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(html, /<style|style=/, 'no inline style');
      const js = await fetch(`${t.url}/web/${page}.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-type') ?? '', /javascript/);
      assert.ok(js.headers.get('content-security-policy'));
    }
    for (const path of ['/healthz', '/v1/credential-types', '/.well-known/openid-credential-issuer']) {
      const res = await fetch(`${t.url}${path}`);
      assert.equal(res.headers.get('content-security-policy'), null, path);
      assert.equal(res.headers.get('x-frame-options'), null, path);
    }
  });

  it('shows its fields only once the first data is in, so nothing typed is drawn over', async () => {
    // Drawing the fields at once and again when the catalogue arrived lost what a person (or
    // Playwright, in a flaky run) had started typing: the field under the cursor was replaced.
    const fields: [string, string][] = [
      ['/wallet', '발급 링크'],
      ['/verifier', '검증기관(verifier) API 키'],
      ['/console', '발급기관(issuer) 또는 운영자(admin) API 키'],
    ];
    for (const [path, label] of fields) {
      const page = await context.newPage();
      try {
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        await page.route('**/v1/credential-types', async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(`${t.url}${path}`);
        await page.getByText('불러오는 중…').waitFor();
        assert.equal(
          await page.locator('main input, main textarea, main select').count(),
          0,
          `${path}: no field while the catalogue is on its way`,
        );
        release();
        const field = page.getByLabel(label);
        await field.fill('typed before anything else');
        await page.waitForLoadState('networkidle');
        assert.equal(await field.inputValue(), 'typed before anything else', path);
        assert.equal(await page.getByText('불러오는 중…').count(), 0, path);
      } finally {
        await page.close();
      }
    }
  });

  it('goes from an offer to a verified presentation and back to red after revocation', async () => {
    // Console: a wrong key is refused in words; then the issuer key, by keyboard only.
    const consolePage = await open('/console');
    const keyInput = consolePage.getByLabel('발급기관(issuer) 또는 운영자(admin) API 키');
    for (let i = 0; i < 20 && !(await keyInput.evaluate((el) => el === el.ownerDocument.activeElement)); i++)
      await consolePage.keyboard.press('Tab');
    await consolePage.keyboard.type('dproof_nobody_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await consolePage.keyboard.press('Enter');
    await consolePage.getByText('API 키가 올바르지 않습니다').waitFor();
    await keyInput.fill(issuerKey);
    await keyInput.press('Enter');
    await consolePage.getByText('발급기관(issuer) 키로 접속했습니다.').waitFor();

    // Console: the form from the type's schema, with validation messages, then an offer.
    await consolePage.getByLabel('증명서 종류').selectOption('resident-id');
    // Korean mode is Korean: every field hint is the catalogue's Korean description, none the English one.
    const catalogue = (await (await fetch(`${t.url}/v1/credential-types`)).json()) as {
      id: string;
      claim_descriptions: Record<string, { ko: string; en: string }>;
    }[];
    const residentHints = Object.values(catalogue.find((x) => x.id === 'resident-id')!.claim_descriptions);
    assert.ok(residentHints.length >= 3);
    const formHints = await consolePage.locator('.schema-form .hint').allTextContents();
    assert.ok(formHints.length >= residentHints.length, JSON.stringify(formHints));
    for (const hint of formHints) assert.match(hint, /[\uAC00-\uD7A3]/, `hint in Korean mode is not Korean: ${hint}`);
    const formText = (await consolePage.locator('.schema-form').textContent()) ?? '';
    for (const { en } of residentHints) assert.ok(!formText.includes(en), `English hint in Korean mode: ${en}`);
    for (const { ko } of residentHints) assert.ok(formText.includes(ko), `Korean hint missing: ${ko}`);
    await consolePage.getByRole('button', { name: '발급 제안 만들기' }).click();
    await consolePage.getByText('입력한 항목').first().waitFor();
    assert.ok((await consolePage.locator('[aria-invalid="true"]').count()) >= 3, 'required fields are marked');
    await consolePage.getByRole('button', { name: '예시 값으로 채우기' }).click();
    await consolePage.locator('[data-pointer="/family_name"]').fill('Kim');
    await consolePage.getByRole('button', { name: '발급 제안 만들기' }).click();
    await consolePage.locator('#' + (await consolePage.locator('[data-pointer="/family_name"]').getAttribute('id')) + '-err').waitFor();
    await consolePage.locator('[data-pointer="/family_name"]').fill('김');
    await consolePage.locator('[data-pointer="/birth_date"]').fill('1990-03-01');
    await consolePage.getByRole('button', { name: '발급 제안 만들기' }).click();
    const offerLink = await consolePage.locator('#offer-link').inputValue();
    // The QR sits above the form, where the eye is; the code is hidden until asked.
    const qrTop = await consolePage.locator('canvas.qr').evaluate((el) => el.getBoundingClientRect().top);
    const formTop = await consolePage.locator('.schema-form').evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(qrTop < formTop, `the QR (${qrTop}) is above the form (${formTop})`);
    assert.equal(await consolePage.locator('#tx-code-value').count(), 0, 'the code is not on screen with the QR');
    await consolePage.getByRole('button', { name: '거래 코드 보기' }).click();
    const txCode = (await consolePage.locator('#tx-code-value').textContent()) ?? '';
    assert.match(offerLink, /^openid-credential-offer:\/\/\?credential_offer_uri=/);
    assert.match(txCode, /^\d{6}$/);
    assert.equal(await consolePage.locator('canvas.qr').count(), 1);
    await screenshots(consolePage, 'console-offer');
    await checkAccessibility(consolePage, 'console');

    // Wallet: receive with the transaction code.
    const wallet = await open('/wallet');
    await wallet.getByLabel('발급 링크').fill(offerLink);
    await wallet.getByRole('button', { name: '받기' }).click();
    await waitForText(wallet, /거래 코드.*필요합니다/, 'wallet-tx-code');
    await wallet.getByLabel('거래 코드 (발급기관이 알려 준 경우)').fill(txCode);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.getByRole('heading', { name: '주민등록증 모바일 확인서비스' }).waitFor();
    await wallet.getByText('내 증명서 (1)').waitFor();
    const keyInfo = await wallet.evaluate(
      `new Promise((resolve) => { const r = indexedDB.open('dproof-wallet'); r.onsuccess = () => { const q = r.result.transaction('keys').objectStore('keys').getAll(); q.onsuccess = () => resolve(q.result.map((k) => ({ extractable: k.privateKey.extractable, type: k.privateKey.type, curve: k.privateKey.algorithm.namedCurve }))); }; })`,
    );
    assert.deepEqual(keyInfo, [{ extractable: false, type: 'private', curve: 'P-256' }]);
    await screenshots(wallet, 'wallet-home');
    await checkAccessibility(wallet, 'wallet home');

    // Counter QR: the clerk shows the counter code; the holder scans it (here: pastes), picks
    // age_over_19 only; the clerk pastes what the scanner read.
    const verifier = await open('/verifier');
    await verifier.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
    await verifier.getByRole('button', { name: '시작' }).click();
    await verifier.getByRole('tab', { name: '지갑 QR 읽기' }).click();
    await verifier.getByRole('button', { name: '창구 코드 보여 주기' }).click();
    const counterCode = await verifier.locator('#counter-challenge').inputValue();

    await wallet.getByRole('button', { name: '열기 · 카운터 QR' }).click();
    const ageBox = wallet.getByLabel(/19세 이상/);
    await ageBox.check();
    await wallet.getByLabel('창구 코드').fill(counterCode);
    await wallet.getByRole('button', { name: '카운터 QR 만들기' }).click();
    await wallet.locator('canvas.qr').waitFor();
    const counterText = await wallet.getByLabel('카운터 제시 내용').inputValue();
    await screenshots(wallet, 'wallet-counter-qr');
    await checkAccessibility(wallet, 'wallet credential');

    await verifier.getByLabel('QR 내용').fill(counterText);
    await verifier.getByRole('button', { name: '확인', exact: true }).click();
    await verifier.locator('.verdict.ok').waitFor();
    assert.deepEqual(await verifier.locator('.verdict dt').allTextContents(), ['19세 이상 (청소년 아님)']);
    assert.deepEqual(await verifier.locator('.verdict dd').allTextContents(), ['예']);

    // OpenID4VP: the verifier shows a request; the wallet sees who asks and why, consents, presents.
    await verifier.getByRole('tab', { name: '창구 QR 보여 주기' }).click();
    await verifier.getByLabel('확인 항목').selectOption('adult');
    // The requested items by their Korean names, never the claim id.
    await verifier.getByText('요청 항목: 19세 이상 (청소년 아님)').waitFor();
    assert.ok(!((await verifier.locator('main').textContent()) ?? '').includes('age_over_19'), 'no claim id on the counter page');
    await verifier.getByRole('button', { name: '요청 QR 만들기' }).click();
    await verifier.locator('canvas.qr').waitFor();
    const requestLink = await verifier.locator('#request-link').inputValue();
    assert.match(requestLink, /^openid4vp:\/\/\?client_id=decentralized_identifier%3Adid%3Aweb%3A/);
    // The page asks for an encrypted answer (direct_post.jwt): the web wallet encrypts with WebCrypto.
    const requestObject = await (await fetch(new URL(requestLink).searchParams.get('request_uri')!)).text();
    assert.equal(JSON.parse(Buffer.from(requestObject.split('.')[1]!, 'base64url').toString()).response_mode, 'direct_post.jwt');
    await screenshots(verifier, 'verifier-request');
    await checkAccessibility(verifier, 'verifier request');

    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    await wallet.getByLabel('요청 링크').fill(requestLink);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByText('test verifier').waitFor();
    await wallet.getByText('주류·담배 판매 연령 확인 (청소년보호법)').waitFor();
    await screenshots(wallet, 'wallet-consent');
    await checkAccessibility(wallet, 'wallet consent');
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await wallet.getByText('확인했습니다').waitFor();

    await verifier.locator('.verdict.ok').waitFor();
    assert.deepEqual(await verifier.locator('.verdict dt').allTextContents(), ['19세 이상 (청소년 아님)']);
    await screenshots(verifier, 'verifier-verified');
    await checkAccessibility(verifier, 'verifier verdict');

    // Wallet history: both presentations, with the verifier's name and purpose.
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    await wallet.getByRole('button', { name: '기록 보기' }).click();
    await wallet.getByRole('heading', { level: 1, name: '제출 기록' }).waitFor();
    assert.equal(await wallet.locator('.cards li').count(), 2, (await wallet.locator('main').textContent()) ?? '');
    await wallet.getByText('온라인 (OpenID4VP)').waitFor();
    await screenshots(wallet, 'wallet-history');

    // Console: revoke (with a reason, confirmed), then the next presentation is red.
    await consolePage.getByRole('button', { name: '새로 고침' }).click();
    await consolePage.getByLabel('상태 변경 사유').fill('분실 신고');
    const revoke = consolePage.getByRole('button', { name: '폐지', exact: true }).first();
    await revoke.click();
    await consolePage.getByRole('button', { name: '정말 폐지 (되돌릴 수 없음)' }).click();
    await consolePage.locator('.status.revoked').waitFor();
    assert.equal(await consolePage.locator('.status.revoked').first().textContent(), '폐지');
    await screenshots(consolePage, 'console-credentials');

    // The wallet's card turns red (its status list is re-read within its ttl; a reload reads it at once)
    // and is no longer offered: the holder is told why and declines.
    for (let i = 0; i < 50; i++) {
      await wallet.reload();
      await wallet.locator('.card-status').first().waitFor();
      if ((await wallet.locator('.card-status.bad', { hasText: '폐지' }).count()) > 0) break;
    }
    await wallet.locator('.vc.bad .card-status.bad', { hasText: '폐지' }).waitFor();
    await verifier.getByRole('button', { name: /요청 QR 만들기/ }).click();
    const second = await verifier.locator('#request-link').inputValue();
    await wallet.getByLabel('요청 링크').fill(second);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await wallet.getByText(/폐지 상태라서 제출할 수 없습니다/).waitFor();
    await wallet.getByRole('button', { name: '거절' }).click();
    await wallet.getByRole('heading', { name: '거절했습니다' }).waitFor();
    await verifier.locator('.verdict.bad').waitFor();
    await verifier.getByText('지갑에서 제출을 거절했습니다.').first().waitFor();
    await screenshots(verifier, 'verifier-rejected');

    // English on request; the choice is remembered.
    await wallet.getByRole('button', { name: 'English' }).click();
    await wallet.getByRole('heading', { name: 'Declined' }).waitFor();
    await wallet.reload();
    await wallet.getByRole('heading', { name: 'My wallet' }).waitFor();
    await screenshots(wallet, 'wallet-english');

    assert.deepEqual(problems, []);
  });

  it('shows signing keys and every issued credential to an admin key', async () => {
    const page = await open('/console');
    await page
      .getByLabel(/API key|API 키/)
      .first()
      .fill(adminKey);
    await page
      .getByLabel(/API key|API 키/)
      .first()
      .press('Enter');
    await page.getByRole('heading', { name: /서명 키|Signing keys/ }).waitFor();
    await page.locator('.status.active').first().waitFor();
    // The key state in words of the language shown (the earlier test left the pages in English).
    assert.match((await page.locator('.status.active').first().textContent()) ?? '', /^(사용 중|active)$/);
    await screenshots(page, 'console-admin');
    await checkAccessibility(page, 'console admin');
    assert.deepEqual(problems, []);
  });

  it('shows hostile claim values as text, never as markup', async () => {
    // Free-text claims (organisation, rank) accept any printable character, so an issuer (or a
    // forged-but-trusted credential) can carry markup; the verifier must show it as letters.
    const type = t.runtime.catalog.get('civil-servant-id');
    assert.ok(type);
    const organization = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const positionTitle = '"><svg onload="window.__xss=3"></svg>';
    const holder = await generateHolderKey();
    const issued = await fetch(`${t.url}/v1/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: type.id,
        claims: { ...type.example, organization, position_title: positionTitle },
        holder_jwk: holder.publicJwk,
      }),
    });
    assert.equal(issued.status, 201, await issued.clone().text());
    const { credential } = (await issued.json()) as { credential: string };
    // The earlier test switched the pages to English (remembered): labels in either language.
    const verifier = await open('/verifier');
    await verifier.getByLabel(/검증기관\(verifier\) API 키|Verifier API key/).fill(verifierKey);
    await verifier.getByRole('button', { name: /^(시작|Start)$/ }).click();
    await verifier.getByLabel(/^(확인 항목|Check)$/).selectOption('civil-servant');
    await verifier.getByRole('tab', { name: /지갑 QR 읽기|Read the holder/ }).click();
    // The counter shows its code (a nonce issued to this verifier client); the holder's wallet presents over it.
    await verifier.getByRole('button', { name: /창구 코드 보여 주기|Show the counter code/ }).click();
    const challenge = parseCounterChallenge(await verifier.locator('#counter-challenge').inputValue());
    assert.ok(challenge);
    const { presentation } = await createHolderPresentation({
      credential,
      disclose: ['family_name', 'given_name', 'organization', 'position_title', 'portrait'],
      holderSigner: holder.signer,
      aud: challenge.aud,
      nonce: challenge.nonce,
      iat: Math.floor(Date.now() / 1000),
    });
    await verifier.getByLabel(/QR 내용|QR content/).fill(presentation);
    await verifier.getByRole('button', { name: /^(확인|Verify)$/ }).click();
    await verifier.locator('.verdict.ok').waitFor();
    const shown = await verifier.locator('.verdict dd').allTextContents();
    assert.ok(shown.includes(organization), JSON.stringify(shown));
    assert.ok(shown.includes(positionTitle), JSON.stringify(shown));
    assert.equal(await verifier.locator('main [onerror], main [onload], main script, main svg').count(), 0, 'no element came from a claim');
    assert.equal(await verifier.evaluate('window.__xss'), undefined);
    await screenshots(verifier, 'verifier-hostile-text');
    assert.deepEqual(problems, []);
  });
});
