/**
 * The verifier page suites' common parts: a listening app with a verifier key and a holder's
 * driver's licence, Chromium, and the page opened and signed in with a preset chosen.
 */
import type { Page } from 'playwright-core';
import { startBrowserSuite, type BrowserSuite } from '../helpers/launch-chromium.js';
import { generateHolderKey, type HolderKey } from '../../src/wallet/holder-key.js';
import { issueViaApi } from '../presentation/helpers.js';

export { BROWSER_SKIP } from '../helpers/launch-chromium.js';

export interface VerifierPageSuite extends BrowserSuite {
  verifierKey: string;
  holder: HolderKey;
  credential: string;
}

export async function startVerifierPageSuite(prefix: string): Promise<VerifierPageSuite> {
  const suite = await startBrowserSuite({ prefix });
  try {
    const { t } = suite;
    const verifierKey = await t.apiKey('verifier');
    const holder = await generateHolderKey();
    const { credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder);
    return { ...suite, verifierKey, holder, credential };
  } catch (err) {
    await suite.close();
    throw err;
  }
}

/** Opens the verifier page at `url`, signs in with `verifierKey` and chooses `preset` ("adult" unless told). */
export async function signInVerifierPage(page: Page, url: string, verifierKey: string, preset = 'adult'): Promise<void> {
  await page.goto(`${url}/verifier`);
  await page.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
  await page.getByRole('button', { name: '시작' }).click();
  await page.getByLabel('확인 항목').selectOption(preset);
  await page.getByRole('button', { name: '요청 QR 만들기' }).waitFor();
}
