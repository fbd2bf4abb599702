/**
 * The web wallet answers a Digital Credentials API request (OpenID4VP 1.0 Appendix A), and the
 * verifier page asks for an mdoc, in Chromium. The verifier page's navigator.credentials.get is
 * routed to the web wallet open in another page of the same browser (a page is not a platform
 * wallet: the route stands in for the browser's wallet picker); the wallet checks the signed
 * request's expected_origins against the origin, asks consent, and answers with its
 * non-extractable key — the verifier page shows the green verdict. The same request handed over
 * as if from another origin is refused in the wallet. The counter's mdoc preset asks for a driving
 * licence mdoc (name and the Korean age_over_19) that the web wallet presents, by the request link
 * (OpenID4VPHandover) and through the DC API (a DeviceResponse over the OpenID4VPDCAPIHandover:
 * the origin, the nonce and the thumbprint of the request's key for dc_api.jwt, null for dc_api).
 * A holder who leaves the DC API consent screen with "← back" answers the caller
 * `{ error: 'access_denied' }` instead of leaving it waiting. Runs when TEST_BROWSER names a
 * Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, stubDigitalCredentials, watchPage, type BrowserSuite } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { makeMdocIssuerKeys } from '../openid4vci/make-mdoc-issuer-keys.js';
import { REQUEST_REFUSAL } from '../../src/verdict/glossary.js';
import { mdocQuery } from '../presentation/helpers.js';
import { signInVerifierPage } from './verifier-page.js';

describe.skipIf(BROWSER_SKIP)('web wallet answers the Digital Credentials API; the counter asks for an mdoc', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let context: BrowserContext;
  let verifierKey: string;
  let wallet: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    s = await startBrowserSuite({ env: { RATE_LIMIT_PER_MINUTE: '0' }, prefix: 'dproof-chromium-dcw-' });
    ({ t, context } = s);
    verifierKey = await t.apiKey('verifier');
    await makeMdocIssuerKeys(t);
    wallet = watchPage(await context.newPage(), pageErrors);
    await wallet.goto(`${t.url}/wallet`);
    const issuerKey = await t.apiKey('issuer');
    const example = t.runtime.catalog.get('driver-license')!.example;
    for (const [i, format] of ['dc+sd-jwt', 'mso_mdoc'].entries()) {
      const offer = await makeOffer(t, issuerKey, { type: 'driver-license', format, claims: example });
      await wallet.getByLabel('발급 링크').fill(offer.offer);
      await wallet.getByRole('button', { name: '받기' }).click();
      await wallet.locator('li.vc').nth(i).waitFor();
    }
    assert.equal(await wallet.locator('li.vc').count(), 2);
  });

  afterAll(async () => {
    await s?.close();
  });

  async function verifierPage(preset: string, origin?: (pageOrigin: string) => string): Promise<Page> {
    const page = watchPage(await context.newPage(), pageErrors);
    // navigator.credentials.get → the web wallet page, told the call comes from origin(page origin).
    if (origin)
      await stubDigitalCredentials(page, 'openid4vp-v1-signed', (requests, pageOrigin) => askWallet(requests, origin(pageOrigin)));
    await signInVerifierPage(page, t.url, verifierKey, preset);
    return page;
  }

  /** Hands `requests` to the web wallet as from `origin` (this service's by default); the promise of DigitalCredential.data. */
  const askWallet = (requests: unknown[], origin = t.url): Promise<unknown> =>
    wallet.evaluate(
      ([r, o]) =>
        (
          globalThis as unknown as { dproofWallet: { answerDigitalCredentialRequest: (r: unknown, o: string) => Promise<unknown> } }
        ).dproofWallet.answerDigitalCredentialRequest(r, o),
      [requests, origin] as const,
    );

  it('the verifier page asks “this device’s wallet”; the web wallet checks the origin, asks consent and answers; green verdict', async () => {
    const verifier = await verifierPage('adult', (o) => o);
    await verifier.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    assert.equal(await wallet.locator('dd .mono', { hasText: t.url }).count(), 1, 'the wallet names the website asking');
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await verifier.locator('.verdict.ok').waitFor();
    assert.deepEqual(await verifier.locator('.verdict dd').allTextContents(), ['예']);
    await wallet.getByText('요청한 웹사이트에 보냈습니다').waitFor();
    await verifier.close();
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
  });

  it('a request handed over as if from another origin is refused in the wallet, and the verifier page gets no answer', async () => {
    const verifier = await verifierPage('adult', () => 'https://evil.example');
    await verifier.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    await wallet.getByText(REQUEST_REFUSAL.origin_mismatch.ko).waitFor();
    await verifier.getByRole('alert').filter({ hasText: '이 기기의 지갑이 응답하지 않았습니다.' }).waitFor();
    assert.equal(await verifier.locator('.verdict.ok').count(), 0);
    await verifier.close();
  });

  /** The wallet offers the mdoc preset's three elements; the holder agrees; the clerk sees them green. */
  async function consentToMdocPreset(verifier: Page): Promise<void> {
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    assert.equal(await wallet.locator('.consent-cred li.check').count(), 3);
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    await verifier.locator('.verdict.ok').waitFor();
    assert.deepEqual(await verifier.locator('.verdict dt').allTextContents(), ['성', '이름', '19세 이상 (청소년 아님)']);
    const example = t.runtime.catalog.get('driver-license')!.example;
    assert.deepEqual(await verifier.locator('.verdict dd').allTextContents(), [
      String(example.family_name),
      String(example.given_name),
      '예',
    ]);
  }

  it('the counter’s mdoc preset asks for the driving licence mdoc; the web wallet presents it and the clerk sees the elements', async () => {
    const verifier = await verifierPage('adult-mdoc');
    await verifier.getByRole('button', { name: '요청 QR 만들기' }).click();
    const link = await verifier.locator('#request-link').inputValue();
    await wallet.getByLabel('요청 링크').fill(link);
    await wallet.getByRole('button', { name: '요청 열기' }).click();
    await consentToMdocPreset(verifier);
    await verifier.close();
  });

  it('the mdoc preset through the DC API (dc_api.jwt): the web wallet signs over the DC API handover; green verdict', async () => {
    const verifier = await verifierPage('adult-mdoc', (o) => o);
    await verifier.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    await consentToMdocPreset(verifier);
    await wallet.getByText('요청한 웹사이트에 보냈습니다').waitFor();
    await verifier.close();
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
  });

  /** A DC API request made over HTTP for the mdoc's family_name, as the verifier page would for `origin`. */
  async function createDcRequest(mode: 'dc_api' | 'dc_api.jwt'): Promise<{ id: string; requests: unknown[] }> {
    const res = await fetch(`${t.url}/v1/verifier/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        dcql_query: { credentials: [mdocQuery('org.iso.18013.5.1.mDL', [['org.iso.18013.5.1', 'family_name']])] },
        response_mode: mode,
        origin: t.url,
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const created = (await res.json()) as { id: string; dc_api_requests: unknown[] };
    return { id: created.id, requests: created.dc_api_requests };
  }

  /** Hands the data back to the service, as the verifier page does; the request's status and the mdoc's claims. */
  async function handBack(id: string, data: unknown): Promise<{ status: string; claims: unknown }> {
    const headers = { authorization: `Bearer ${verifierKey}`, 'content-type': 'application/json' };
    const res = await fetch(`${t.url}/v1/verifier/requests/${id}/dc-api-response`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const view = (await (await fetch(`${t.url}/v1/verifier/requests/${id}`, { headers })).json()) as {
      status: string;
      result?: { credentials: Record<string, { claims?: unknown }[]> };
    };
    return { status: view.status, claims: view.result?.credentials.mdl?.[0]?.claims };
  }

  it('the mdoc over dc_api (unencrypted): the DC API handover with a null thumbprint verifies, only the asked element', async () => {
    const req = await createDcRequest('dc_api');
    const answered = askWallet(req.requests);
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByRole('button', { name: '동의하고 제출' }).click();
    const data = (await answered) as { vp_token?: Record<string, string[]> };
    assert.equal(data.vp_token?.mdl?.length, 1, JSON.stringify(data));
    const example = t.runtime.catalog.get('driver-license')!.example;
    assert.deepEqual(await handBack(req.id, data), {
      status: 'verified',
      claims: { 'org.iso.18013.5.1': { family_name: example.family_name } },
    });
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
  });

  it('a holder who leaves the DC API consent screen with “← back” answers access_denied; the caller is not left waiting', async () => {
    const req = await createDcRequest('dc_api.jwt');
    const answered = askWallet(req.requests);
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor();
    await wallet.getByRole('button', { name: /지갑으로/ }).click();
    assert.deepEqual(await answered, { error: 'access_denied' });
    await wallet.getByRole('heading', { name: '제출 동의' }).waitFor({ state: 'detached' });
    const out = await handBack(req.id, { error: 'access_denied' });
    assert.notEqual(out.status, 'verified');
    assert.deepEqual(pageErrors, []);
  });
});
