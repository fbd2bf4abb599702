/**
 * The verifier page's "this device's wallet" (Digital Credentials API) in Chromium: drawn only
 * where the browser has `DigitalCredential` and navigator.credentials.get (feature detection),
 * hidden otherwise; and end to end with a simulated wallet behind navigator.credentials.get (built
 * in Node with jose: presentation with aud origin:<page origin>, JWE to the request's key), the
 * page hands the answer back and shows the verdict. A wallet that binds its answer to another
 * origin gets a red verdict.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { stubDigitalCredentials } from '../helpers/launch-chromium.js';
import { BROWSER_SKIP, signInVerifierPage, startVerifierPageSuite, type VerifierPageSuite } from './verifier-page.js';

type Obj = Record<string, unknown>;

describe.skipIf(BROWSER_SKIP)('verifier page: this device’s wallet (Digital Credentials API) in Chromium', () => {
  let s: VerifierPageSuite;
  let context: BrowserContext;
  let t: TestApp;

  beforeAll(async () => {
    s = await startVerifierPageSuite('dproof-chromium-dc-');
    ({ t, context } = s);
  });
  afterAll(async () => {
    await s?.close();
  });

  const signedIn = (page: Page) => signInVerifierPage(page, t.url, s.verifierKey);

  /** A wallet behind navigator.credentials.get, answering with a presentation for `origin`. */
  async function withSimulatedWallet(page: Page, origin: (pageOrigin: string) => string): Promise<void> {
    await stubDigitalCredentials(page, 'openid4vp-v1-unsigned', async (requests: { protocol: string; data: Obj }[], pageOrigin) => {
      const req = requests.find((r) => r.protocol === 'openid4vp-v1-unsigned')!.data;
      const { presentation } = await createHolderPresentation({
        credential: s.credential,
        disclose: ['age_over_19'],
        holderSigner: s.holder.signer,
        aud: `origin:${origin(pageOrigin)}`,
        nonce: req.nonce as string,
        iat: Math.floor(Date.now() / 1000),
      });
      const key = ((req.client_metadata as Obj).jwks as { keys: JWK[] }).keys[0]!;
      const response = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ vp_token: { [queryId(req)]: [presentation] } })))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: key.kid })
        .encrypt(await importJWK(key, 'ECDH-ES'));
      return { response };
    });
  }

  it('offers the button exactly when the browser has the Digital Credentials API, and hides it when not', async () => {
    const page = await context.newPage();
    await signedIn(page);
    const native = await page.evaluate(
      `typeof window.DigitalCredential === 'function' && typeof navigator.credentials?.get === 'function'`,
    );
    assert.equal(await page.locator('#device-wallet').count(), native ? 1 : 0);
    await page.close();

    const without = await context.newPage();
    await without.addInitScript(`Object.defineProperty(window, 'DigitalCredential', { value: undefined, configurable: true })`);
    await signedIn(without);
    assert.equal(await without.locator('#device-wallet').count(), 0);
    assert.equal(await without.getByRole('button', { name: '이 기기의 지갑으로 확인' }).count(), 0);
    await without.close();
  });

  it('asks the device wallet, hands its encrypted answer to the service and shows a green verdict', async () => {
    const page = await context.newPage();
    await withSimulatedWallet(page, (o) => o);
    await signedIn(page);
    await page.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    await page.locator('.verdict.ok').waitFor();
    assert.deepEqual(await page.locator('.verdict dd').allTextContents(), ['예']);
    await page.close();
  });

  it('an answer bound to another origin gets a red verdict', async () => {
    const page = await context.newPage();
    await withSimulatedWallet(page, () => 'https://evil.example');
    await signedIn(page);
    await page.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    await page.locator('#verdict').waitFor();
    assert.equal(await page.locator('.verdict.ok').count(), 0);
    await page.close();
  });

  it('a device wallet whose answer is text that is not JSON is told apart in words, and nothing is sent to the service', async () => {
    const page = await context.newPage();
    await stubDigitalCredentials(page, 'openid4vp-v1-unsigned', async () => 'not json {');
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/dc-api-response')) posted.push(r.url());
    });
    await signedIn(page);
    await page.getByRole('button', { name: '이 기기의 지갑으로 확인' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent())?.trim(), '지갑이 응답하지 않았습니다.');
    assert.deepEqual(posted, []);
    await page.close();
  });
});

function queryId(req: Obj): string {
  return ((req.dcql_query as Obj).credentials as { id: string }[])[0]!.id;
}
