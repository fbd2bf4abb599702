/**
 * The web wallet holds ISO mdocs (issue 16, Wallets) in Chromium: an agency's `mso_mdoc` offer
 * of a driver's licence is received with a non-extractable WebCrypto key (issuerAuth, digests,
 * docType and device key checked in the page), shown as a card with the type's Korean name and
 * its elements in display order (portrait from its bytes), and presented to DCQL `mso_mdoc`
 * requests — direct_post.jwt and direct_post — as a DeviceResponse the server's verifier accepts,
 * disclosing only the elements the holder agreed to. Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { makeMdocIssuerKeys } from '../openid4vci/make-mdoc-issuer-keys.js';
import { createDcqlRequest, mdocQuery, readRequestView } from '../presentation/helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const KR_NS = 'kr.go.knpa.mdl.1';

describe.skipIf(BROWSER_SKIP)('web wallet with mdoc', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let verifierKey: string;
  let wallet: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ env: { RATE_LIMIT_PER_MINUTE: '0' }, viewport: { width: 390, height: 844 } });
    t = s.t;
    verifierKey = await t.apiKey('verifier');
    await makeMdocIssuerKeys(t);
    wallet = watchPage(await s.context.newPage(), pageErrors, { csp: true });
  });

  afterAll(async () => {
    await s?.close();
  });

  const ask = (responseMode: 'direct_post' | 'direct_post.jwt', claims: string[][]) =>
    createDcqlRequest(t.app, verifierKey, mdocQuery(MDL, claims), {
      response_mode: responseMode,
      purpose: { ko: '운전면허 확인', en: 'Driving licence check' },
    });
  const resultOf = (id: string) =>
    readRequestView<{ status: string; result?: { credentials: Record<string, { claims?: unknown }[]> } }>(t.app, verifierKey, id);

  it('receives an mso_mdoc offer with a non-extractable key and shows it as a Korean card in display order', async () => {
    const issuerKey = await t.apiKey('issuer');
    const type = t.runtime.catalog.get('driver-license')!;
    const offer = await makeOffer(t, issuerKey, { type: 'driver-license', format: 'mso_mdoc', claims: type.example });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.locator('li.vc, .callout.error').first().waitFor();
    const refused = await wallet.locator('.callout.error').allTextContents();
    assert.deepEqual(refused, [], 'the wallet kept the mdoc');
    const card = wallet.locator('li.vc').first();
    assert.equal(await card.getAttribute('data-status'), 'valid');
    assert.equal(await card.locator('h3').textContent(), '모바일 운전면허증');

    const stored = await wallet.evaluate(
      `new Promise((resolve) => { const r = indexedDB.open('dproof-wallet'); r.onsuccess = () => { const tx = r.result.transaction(['keys', 'credentials']); const k = tx.objectStore('keys').getAll(); const c = tx.objectStore('credentials').getAll(); tx.oncomplete = () => resolve({ keys: k.result.map((x) => ({ extractable: x.privateKey.extractable, type: x.privateKey.type, curve: x.privateKey.algorithm.namedCurve })), creds: c.result.map((x) => ({ format: x.format, vct: x.vct, configuration_id: x.configuration_id, b64u: /^[A-Za-z0-9_-]+$/.test(x.credential) })) }); }; })`,
    );
    assert.deepEqual(stored, {
      keys: [{ extractable: false, type: 'private', curve: 'P-256' }],
      creds: [{ format: 'mso_mdoc', vct: MDL, configuration_id: 'driver-license-mso-mdoc', b64u: true }],
    });

    await card.getByRole('button', { name: '열기' }).click();
    await wallet.getByRole('heading', { name: '모바일 운전면허증' }).waitFor();
    const labels = await wallet.locator('table.claims tbody th').allTextContents();
    // schemas/credentials/driver-license.json claim_display, in its order, across both namespaces.
    assert.deepEqual(labels, [
      '성',
      '이름',
      '생년월일',
      '발급일',
      '적성검사 기간 만료일',
      '발급국가',
      '발급기관',
      '면허번호',
      '사진',
      '면허 종별',
      '국제 차량 등록 부호',
      '19세 이상 (청소년 아님)',
      '만 65세 이상',
    ]);
    const portrait = await wallet.locator('img.portrait').getAttribute('src');
    assert.match(portrait ?? '', /^data:image\/jpeg;base64,\/9j\//, 'portrait from its JPEG bytes');
    assert.equal(await wallet.locator('#counter-challenge, button:has-text("카운터 QR 만들기")').count(), 0, 'no counter QR for an mdoc');
    // The card is named for a Korean reader (the verifier's presets say "ISO 규격"), not by the Latin word mdoc.
    assert.equal(
      (await wallet.locator('section[aria-labelledby=claims-h] p.hint').textContent())?.trim(),
      '이 증명서는 ISO 규격 모바일 신분증이므로 검증기관의 제출 요청에 응답할 때만 제출합니다. 요청마다 보낼 항목을 확인하고 고릅니다.',
    );
    assert.ok(Number(await wallet.evaluate('document.documentElement.scrollWidth')) <= 390, 'nothing wider than a 390 px phone');
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
  });

  it('answers a direct_post.jwt mso_mdoc request with a DeviceResponse the verifier accepts, disclosing only the asked elements', async () => {
    const { id, authorization_request } = await ask('direct_post.jwt', [
      [NS, 'family_name'],
      [NS, 'given_name'],
      [KR_NS, 'age_over_19'],
    ]);
    await wallet.getByLabel('요청 링크').fill(authorization_request);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByText('운전면허 확인').waitFor();
    const items = wallet.locator('.consent-cred li.check');
    assert.equal(await items.count(), 3);
    assert.ok(await items.first().locator('input').isChecked());
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor({ state: 'detached' });
    const res = await resultOf(id);
    assert.equal(res.status, 'verified', JSON.stringify(res));
    const claims = res.result?.credentials.mdl?.[0]?.claims as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(claims).sort(), [KR_NS, NS].sort());
    assert.equal(claims[KR_NS]!.age_over_19, true);
    assert.deepEqual(Object.keys(claims[NS]!).sort(), ['family_name', 'given_name'], 'only the asked elements: no portrait, no birth date');
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
  });

  it('answers a direct_post mso_mdoc request, and a response replayed to another request fails there', async () => {
    const first = await ask('direct_post', [[KR_NS, 'age_over_19']]);
    const posted: string[] = [];
    wallet.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/openid4vp/')) posted.push(r.postData() ?? '');
    });
    await wallet.getByLabel('요청 링크').fill(first.authorization_request);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor({ state: 'detached' });
    assert.equal((await resultOf(first.id)).status, 'verified');

    // The same DeviceResponse sent to a second request: its SessionTranscript names the first nonce.
    const vpToken = new URLSearchParams(posted.find((p) => p.includes('vp_token')) ?? '').get('vp_token');
    assert.ok(vpToken, 'the wallet posted a vp_token');
    const second = await ask('direct_post', [[KR_NS, 'age_over_19']]);
    const ro = await t.app.inject({
      method: 'GET',
      url: new URL(new URL(second.authorization_request.replace('openid4vp://', 'https://x/')).searchParams.get('request_uri')!).pathname,
    });
    const payload = JSON.parse(Buffer.from(ro.body.split('.')[1]!, 'base64url').toString()) as { response_uri: string; state?: string };
    const replay = await t.app.inject({
      method: 'POST',
      url: new URL(payload.response_uri).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ vp_token: vpToken, ...(payload.state !== undefined && { state: payload.state }) }).toString(),
    });
    assert.ok(replay.statusCode < 500, replay.body);
    assert.notEqual((await resultOf(second.id)).status, 'verified');
    assert.deepEqual(pageErrors, []);
  });

  it('refuses an mdoc whose element was changed after signing (digest mismatch), keeping neither it nor its key', async () => {
    const issuerKey = await t.apiKey('issuer');
    const type = t.runtime.catalog.get('driver-license')!;
    const offer = await makeOffer(t, issuerKey, { type: 'driver-license', format: 'mso_mdoc', claims: type.example });
    // A tampering issuer: one digit of the licence number changed (same length: the CBOR stays well-formed).
    await wallet.route('**/openid4vci/credential', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { credentials: { credential: string }[] };
      const bytes = Buffer.from(body.credentials[0]!.credential, 'base64url');
      const number = Buffer.from(String(type.example.document_number));
      const at = bytes.indexOf(number);
      assert.ok(at > 0);
      bytes[at + number.length - 1] ^= 1;
      body.credentials[0]!.credential = bytes.toString('base64url');
      await route.fulfill({ response: res, body: JSON.stringify(body) });
    });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet
      .getByText('증명서의 항목이 발급기관이 서명한 내용과 다릅니다. 증명서를 저장하지 않았습니다. 발급기관에 문의하십시오.')
      .waitFor();
    await wallet.unroute('**/openid4vci/credential');
    const counts = await wallet.evaluate(
      `new Promise((resolve) => { const r = indexedDB.open('dproof-wallet'); r.onsuccess = () => { const tx = r.result.transaction(['keys', 'credentials']); const k = tx.objectStore('keys').count(); const c = tx.objectStore('credentials').count(); tx.oncomplete = () => resolve([k.result, c.result]); }; })`,
    );
    assert.deepEqual(counts, [1, 1], 'only the first mdoc and its key');
  });
});
