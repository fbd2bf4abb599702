/**
 * At the counter (issue 19), in two real Chromium instances, as two devices: the holder's web
 * wallet shows a small engagement QR (its version asserted) with a countdown; the clerk's page
 * reads it through a FAKE CAMERA (Chromium's --use-file-for-fake-video-capture with the QR
 * rendered into a .y4m video here; Chromium on Linux has no BarcodeDetector, so jsQR decodes);
 * the wallet receives the counter's request, the holder consents, both screens turn green, and
 * the consent→verdict time is measured. Then the issuer revokes: the card turns red, the next
 * attempt (pasted on the clerk's page: the paste path) is not presented and the wallet says why;
 * the history lists both, each with its result.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildWeb } from '../../scripts/build-web.js';
import { ROOT } from '../helpers/spawn-server.js';
import { scaled } from '../helpers/time-scale.js';
import { CHROMIUM_ARGS } from '../helpers/chromium-args.js';

const BROWSER = process.env.TEST_BROWSER;
const skip = BROWSER ? false : 'TEST_BROWSER is not set (path to a Chromium binary; .ci/run sets /usr/bin/chromium)';
const SHOTS = join(ROOT, 'test-results', 'web');

/** A few frames of 640×480 video (Y4M, 4:2:0) showing the QR of `text`, black on white with its quiet zone. */
function qrVideo(text: string, path: string): void {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = Math.floor(400 / (n + 8));
  const left = Math.floor((W - n * scale) / 2);
  const top = Math.floor((H - n * scale) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (qr.modules.get(r, c))
        for (let dy = 0; dy < scale; dy++)
          y.fill(16, (top + r * scale + dy) * W + left + c * scale, (top + r * scale + dy) * W + left + (c + 1) * scale);
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}

describe.skipIf(skip)('at the counter: engagement QR, fake camera, status and verdicts (Chromium)', () => {
  let t: TestApp;
  let dir: string;
  let walletContext: BrowserContext;
  let clerkContext: BrowserContext | undefined;
  let issuerKey: string;
  let verifierKey: string;
  const problems: string[] = [];

  const launch = (userDataDir: string, extraArgs: string[] = []) =>
    chromium.launchPersistentContext(userDataDir, {
      executablePath: BROWSER,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      viewport: { width: 1280, height: 800 },
      locale: 'ko-KR',
      timeout: scaled(60_000),
    });

  async function open(context: BrowserContext, path: string): Promise<Page> {
    context.setDefaultTimeout(scaled(15_000));
    const page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`${path}: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Trusted Type/i.test(msg.text())) problems.push(`${path}: ${msg.text()}`);
    });
    await page.goto(`${t.url}${path}`);
    return page;
  }

  beforeAll(async () => {
    await buildWeb({ quiet: true });
    // A status list ttl of 1 s: the wallet's card turns red within a second or two of a revocation.
    t = await startTestApp({ listen: true, env: { STATUS_TTL_SECONDS: '1' } });
    issuerKey = await t.apiKey('issuer');
    verifierKey = await t.apiKey('verifier');
    dir = mkdtempSync(join(tmpdir(), 'dproof-counter-'));
    mkdirSync(SHOTS, { recursive: true });
    walletContext = await launch(join(dir, 'wallet-profile'));
  });

  afterAll(async () => {
    await clerkContext?.close();
    await walletContext?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('walks: small QR → fake camera → consent → green on both → revoke → red card → refused with a reason → history', async () => {
    // The holder receives a resident card.
    const type = t.runtime.catalog.get('resident-id')!;
    const offerRes = await fetch(`${t.url}/v1/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'resident-id', claims: type.example, tx_code: false }),
    });
    assert.equal(offerRes.status, 201, await offerRes.clone().text());
    const offer = (await offerRes.json()) as { offer: string; tx_code?: string };
    const wallet = await open(walletContext, '/wallet');
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    if (offer.tx_code) await wallet.getByLabel('거래 코드 (발급기관이 알려 준 경우)').fill(offer.tx_code);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.getByText('내 증명서 (1)').waitFor();
    await wallet.locator('.card-status.ok', { hasText: '유효' }).waitFor();

    // The wallet shows a small QR with a countdown.
    await wallet.getByRole('button', { name: 'QR 보여 주기' }).click();
    const link = (await wallet.locator('#engage-qr').getAttribute('data-link')) ?? '';
    assert.match(link, /^dproof-engage:[A-Za-z0-9_-]{22}$/);
    const version = QRCode.create(link, { errorCorrectionLevel: 'M' }).version;
    assert.ok(version <= 10, `QR version ${version}`);
    assert.equal(version, 3);
    await wallet.getByText(/\d+초 남음/).waitFor();
    await wallet.screenshot({ path: join(SHOTS, 'wallet-engagement-qr.png') });

    // The clerk's page, on another device, reads it through the (fake) camera.
    const video = join(dir, 'qr.y4m');
    qrVideo(link, video);
    clerkContext = await launch(join(dir, 'clerk-profile'), [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    const clerk = await open(clerkContext, '/verifier');
    await clerk.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
    await clerk.getByRole('button', { name: '시작' }).click();
    await clerk.getByRole('tab', { name: '지갑 QR 읽기' }).click();
    await clerk.getByLabel('확인 항목').selectOption('adult');
    assert.equal(await clerk.evaluate('typeof BarcodeDetector'), 'undefined', 'Chromium on Linux: the jsQR path is the one tested');
    await clerk.getByRole('button', { name: '카메라로 스캔' }).click();
    await clerk.getByText('손님 지갑의 동의를 기다리는 중…').waitFor();

    // The waiting wallet receives the counter's request: consent names the verifier and the purpose.
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByText('주류·담배 판매 연령 확인 (청소년보호법)').waitFor();
    const consentAt = Date.now();
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await clerk.locator('.verdict.ok').waitFor();
    const consentToVerdictMs = Date.now() - consentAt;
    console.log(`consent → verdict on the clerk's screen: ${consentToVerdictMs} ms`);
    assert.ok(consentToVerdictMs < scaled(2000), `consent → verdict took ${consentToVerdictMs} ms`);
    assert.deepEqual(await clerk.locator('.verdict dd').allTextContents(), ['예']);
    await wallet.locator('#holder-verdict.ok').waitFor();
    await wallet.getByText('확인되었습니다. 요청한 항목만 보냈습니다.').waitFor();
    await clerk.screenshot({ path: join(SHOTS, 'verifier-engagement-verified.png') });

    // The issuer revokes; the card turns red and is no longer offered.
    const rec = (await t.runtime.store.credentials.list({ limit: 10 })).find((c) => c.type === 'resident-id');
    assert.ok(rec);
    const revoked = await fetch(`${t.url}/v1/credentials/${rec.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '분실 신고' }),
    });
    assert.equal(revoked.status, 200, await revoked.clone().text());
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    await wallet.locator('.vc.bad .card-status.bad', { hasText: '폐지' }).waitFor();
    await wallet.getByText('이 증명서는 제출할 수 없습니다').waitFor();
    await wallet.screenshot({ path: join(SHOTS, 'wallet-card-revoked.png') });

    // A new attempt: the clerk pastes the QR text (the paste path); the wallet says why it cannot present.
    await wallet.getByRole('button', { name: 'QR 보여 주기' }).click();
    const link2 = (await wallet.locator('#engage-qr').getAttribute('data-link')) ?? '';
    await clerk.getByLabel('QR 내용').fill(link2);
    await clerk.getByRole('button', { name: '확인', exact: true }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByText(/폐지 상태라서 제출할 수 없습니다/).waitFor();
    assert.equal(await wallet.getByRole('button', { name: '동의하고 제출' }).isDisabled(), true, 'the revoked card is not offered');
    await wallet.screenshot({ path: join(SHOTS, 'wallet-consent-revoked.png') });
    await wallet.getByRole('button', { name: '거절' }).click();
    await wallet.getByRole('heading', { name: '거절했습니다' }).waitFor();
    await clerk.locator('.verdict.bad').waitFor();

    // History: the presentation with its verdict.
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    await wallet.getByRole('button', { name: '기록 보기' }).click();
    await wallet.getByRole('heading', { level: 1, name: '제출 기록' }).waitFor();
    await wallet.getByText('확인됨').first().waitFor();
    // Both attempts: the accepted presentation (the service's receipt) and the one not presented, with why.
    await wallet.getByText('폐지된 증명서라서 제출하지 않음').waitFor();
    assert.equal(await wallet.locator('.cards li').count(), 2, (await wallet.locator('main').textContent()) ?? '');
    await wallet.screenshot({ path: join(SHOTS, 'wallet-history-both.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
