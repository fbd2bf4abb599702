/**
 * The API docs page (/docs, Swagger UI) in Chromium at phone size: its Content-Security-Policy
 * neither upgrades its assets to https (which left it blank over plain HTTP on a LAN address) nor
 * blocks the styles the bundle sets at run time (a console error on every load), and it lays out
 * for a phone. Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { scaled } from '../helpers/time-scale.js';

const BROWSER = process.env.TEST_BROWSER;
const skip = BROWSER ? false : 'TEST_BROWSER is not set (path to a Chromium binary; .ci/run sets /usr/bin/chromium)';

describe.skipIf(skip)('API docs page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    browser = await chromium.launch({ executablePath: BROWSER, args: ['--no-sandbox', '--disable-gpu'], timeout: scaled(60_000) });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('has a policy without upgrade-insecure-requests and a mobile viewport', async () => {
    const res = await fetch(`${t.url}/docs`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.doesNotMatch(csp, /upgrade-insecure-requests/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /https:|validator\.swagger\.io/);
    assert.match(await res.text(), /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  });

  it('renders the operations at 390 px with no console error and no failed request', async () => {
    // isMobile: the page's viewport line decides the layout width, as on a phone (980 px without one).
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
    await page.goto(`${t.url}/docs`);
    await page
      .locator('.opblock-tag')
      .first()
      .waitFor({ timeout: scaled(30_000) });
    assert.ok((await page.locator('.opblock-tag').count()) > 3);
    assert.equal(await page.evaluate('window.innerWidth'), 390, 'laid out at the device width, not 980 px');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
