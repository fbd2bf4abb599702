/**
 * The verifier page's same-device path in Chromium (OpenID4VP 1.0 §13.3, HAIP 1.0 §5.1): the page
 * makes a request that returns to itself, the wallet (simulated in Node: the request object from
 * request_uri, a presentation to its nonce and client_id, a JWE to its key, posted to the Response
 * URI) gets `redirect_uri#response_code=…`, and the browser that follows it in the SAME tab sees
 * the verdict. The same address opened in another tab (which started nothing), or in a tab that
 * started a request of its own (the attacker's), is refused; the answer was not for that session.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { CompactEncrypt, decodeJwt, importJWK, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import type { TestBrowser } from '../helpers/launch-chromium.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { BROWSER_SKIP, signInVerifierPage, startVerifierPageSuite } from './verifier-page.js';

type Obj = Record<string, unknown>;

describe.skipIf(BROWSER_SKIP)('verifier page: same-device link, result bound to the tab that asked (Chromium)', () => {
  let t: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;
  let verifierKey: string;
  let holder: HolderKey;
  let credential: string;

  beforeAll(async () => {
    ({ t, browser, verifierKey, holder, credential } = await startVerifierPageSuite('dproof-chromium-same-device-'));
    context = browser.context;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedIn = (page: Page) => signInVerifierPage(page, t.url, verifierKey);

  /** The page's same-device link, as the holder's phone would open it. */
  async function sameDeviceLink(page: Page): Promise<string> {
    await page.getByRole('button', { name: '이 기기의 지갑 열기 (링크)' }).click();
    const link = await page.locator('#same-device-link').getAttribute('href');
    assert.ok(link?.startsWith('openid4vp://'), String(link));
    return link as string;
  }

  /** A wallet answering the link over real HTTP; returns the redirect_uri the Response URI gave it. */
  async function walletAnswers(link: string): Promise<string> {
    const requestUri = new URL(link).searchParams.get('request_uri')!;
    const req = decodeJwt(await (await fetch(requestUri)).text()) as Obj;
    const query = (req.dcql_query as { credentials: { id: string }[] }).credentials[0]!.id;
    const { presentation } = await createHolderPresentation({
      credential,
      disclose: ['age_over_19'],
      holderSigner: holder.signer,
      aud: req.client_id as string,
      nonce: req.nonce as string,
      iat: Math.floor(Date.now() / 1000),
    });
    const key = ((req.client_metadata as Obj).jwks as { keys: JWK[] }).keys[0]!;
    const response = await new CompactEncrypt(
      new TextEncoder().encode(JSON.stringify({ vp_token: { [query]: [presentation] }, state: req.state })),
    )
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid })
      .encrypt(await importJWK(key, 'ECDH-ES'));
    const res = await fetch(req.response_uri as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ response }).toString(),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string; redirect_uri: string };
    assert.equal(body.status, 'verified');
    assert.ok(body.redirect_uri.startsWith(`${t.url}/verifier#response_code=`), body.redirect_uri);
    return body.redirect_uri;
  }

  it('the tab that asked gets the green verdict from the response_code in its own address', async () => {
    const page = await context.newPage();
    await signedIn(page);
    const back = await walletAnswers(await sameDeviceLink(page));
    await page.goto(back);
    await page.locator('.verdict.ok').waitFor();
    assert.deepEqual(await page.locator('.verdict dd').allTextContents(), ['예']);
    assert.equal(new URL(page.url()).hash, '', 'the code is taken out of the address bar');
    await page.close();
  });

  it('the same return opened in another tab, or in an attacker’s tab with its own request, is refused', async () => {
    const victim = await context.newPage();
    await signedIn(victim);
    const back = await walletAnswers(await sameDeviceLink(victim));

    // A tab that started nothing (another tab or browser): refused on the page, before any call.
    const other = await context.newPage();
    await other.goto(back);
    await other.getByText('이 화면에서 시작한 요청의 응답이 아닙니다', { exact: false }).waitFor();
    assert.equal(await other.locator('.verdict').count(), 0);
    await other.close();

    // The attacker's own tab, with a same-device request of its own: the victim's code does not read it.
    const attacker = await context.newPage();
    await signedIn(attacker);
    await sameDeviceLink(attacker);
    await attacker.goto(back);
    await attacker.locator('.callout.error').waitFor();
    assert.equal(await attacker.locator('.verdict.ok').count(), 0);
    await attacker.close();

    // The victim's tab still gets its verdict: nothing above consumed the result.
    await victim.goto(back);
    await victim.locator('.verdict.ok').waitFor();
    await victim.close();
  });
});
