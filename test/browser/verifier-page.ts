/**
 * The verifier page suites' common parts: a listening app with a verifier key and a holder's
 * driver's licence, Chromium, and the page opened and signed in with the "adult" preset chosen.
 */
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildIfStale } from '../../scripts/build.js';
import { launchChromium, type TestBrowser } from '../helpers/launch-chromium.js';
import { generateHolderKey, type HolderKey } from '../../src/wallet/holder-key.js';
import { issueViaApi } from '../presentation/helpers.js';

export const BROWSER_SKIP = process.env.TEST_BROWSER
  ? false
  : 'TEST_BROWSER is not set (path to a Chromium binary; .ci/run sets /usr/bin/chromium)';

export interface VerifierPageSuite {
  t: TestApp;
  browser: TestBrowser;
  verifierKey: string;
  holder: HolderKey;
  credential: string;
}

export async function startVerifierPageSuite(prefix: string): Promise<VerifierPageSuite> {
  await buildIfStale({ only: 'web', quiet: true });
  const t = await startTestApp({ listen: true });
  const verifierKey = await t.apiKey('verifier');
  const holder = await generateHolderKey();
  const { credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder);
  const browser = await launchChromium({ prefix });
  return { t, browser, verifierKey, holder, credential };
}

export async function signInVerifierPage(page: Page, url: string, verifierKey: string): Promise<void> {
  await page.goto(`${url}/verifier`);
  await page.getByLabel('검증기관(verifier) API 키').fill(verifierKey);
  await page.getByRole('button', { name: '시작' }).click();
  await page.getByLabel('확인 항목').selectOption('adult');
  await page.getByRole('button', { name: '요청 QR 만들기' }).waitFor();
}
