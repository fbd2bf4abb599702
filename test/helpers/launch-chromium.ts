/**
 * The browser of the page tests: headless Chromium (TEST_BROWSER) in a fresh profile directory,
 * Korean locale, timeouts scaled to the machine. `close()` closes it and removes the profile.
 * `startBrowserSuite` is a page suite's start (pages, listening app, browser); `watchPage` and
 * `stubDigitalCredentials` are what the suites do to a page before they open it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildIfStale } from '../../scripts/build.js';
import { CHROMIUM_ARGS } from './chromium-args.js';
import { startTestApp, type TestApp } from './test-app.js';
import { scaled } from './time-scale.js';

/** A browser suite skips, with this reason, when TEST_BROWSER is not set; set and not starting, it fails. */
export const BROWSER_SKIP: string | false = process.env.TEST_BROWSER
  ? false
  : 'TEST_BROWSER is not set (path to a Chromium binary; .ci/run sets /usr/bin/chromium)';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The profile directory's name prefix. */
  prefix?: string;
  viewport?: { width: number; height: number };
}

export async function launchChromium(o: LaunchOptions = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), o.prefix ?? 'dproof-chromium-'));
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    // A browser that is asked for and does not start is a failure, not a skip.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.TEST_BROWSER,
      headless: true,
      args: CHROMIUM_ARGS,
      ...(o.viewport && { viewport: o.viewport }),
      locale: 'ko-KR',
      timeout: scaled(60_000),
    });
  } catch (err) {
    removeProfile();
    throw err;
  }
  context.setDefaultTimeout(scaled(15_000));
  await frontBeforeActions(context);
  return {
    context,
    close: async () => {
      await context.close();
      removeProfile();
    },
  };
}

/**
 * A suite drives several pages (tabs) of one browser. An action on a tab that is not in front
 * waited ~2 s in Playwright's actionability checks (measured: a trial click 1,990 ms, 73 ms after
 * `bringToFront`; test/browser/pages.test.ts 82 → 44 s), so a locator's actions first bring
 * their page to the front, as a person switching tabs would.
 */
const ACTIONS = [
  'click',
  'dblclick',
  'fill',
  'press',
  'pressSequentially',
  'check',
  'uncheck',
  'setChecked',
  'selectOption',
  'hover',
  'tap',
  'setInputFiles',
] as const;
let patched = false;

async function frontBeforeActions(context: BrowserContext): Promise<void> {
  if (patched) return;
  patched = true;
  // playwright-core does not export its Locator class: its prototype is reached through a locator.
  const existing = context.pages()[0];
  const page = existing ?? (await context.newPage());
  const locatorProto = Object.getPrototypeOf(page.locator('body')) as Record<string, unknown>;
  if (!existing) await page.close();
  for (const name of ACTIONS) {
    const original = locatorProto[name] as (this: { page(): Page }, ...args: unknown[]) => Promise<unknown>;
    locatorProto[name] = async function (this: { page(): Page }, ...args: unknown[]) {
      await this.page().bringToFront();
      return original.apply(this, args);
    };
  }
}

export interface BrowserSuite {
  t: TestApp;
  browser: TestBrowser;
  context: BrowserContext;
  /** Closes the browser, then the app. */
  close(): Promise<void>;
}

/**
 * A page suite's start: the pages rebuilt only if a page source changed since the run's global
 * setup built them, an app listening on a free port (with `env`), and Chromium.
 */
export async function startBrowserSuite(o: LaunchOptions & { env?: Record<string, string> } = {}): Promise<BrowserSuite> {
  await buildIfStale({ only: 'web', quiet: true });
  const t = await startTestApp({ listen: true, ...(o.env && { env: o.env }) });
  let browser: TestBrowser;
  try {
    browser = await launchChromium(o);
  } catch (err) {
    await t.close();
    throw err;
  }
  return {
    t,
    browser,
    context: browser.context,
    close: async () => {
      try {
        await browser.close();
      } finally {
        await t.close();
      }
    },
  };
}

const CSP_VIOLATION = /Content Security Policy|TrustedHTML|TrustedScript|Trusted Type/i;

/**
 * `page`, with its uncaught errors pushed to `problems` (as `label: message` when given a label)
 * and, with `csp`, the Content-Security-Policy and Trusted Types violations Chromium logs as
 * console errors.
 */
export function watchPage(page: Page, problems: string[], o: { label?: string; csp?: boolean } = {}): Page {
  const note = (text: string) => problems.push(o.label === undefined ? text : `${o.label}: ${text}`);
  page.on('pageerror', (err) => note(err.message));
  if (o.csp)
    page.on('console', (msg) => {
      if (msg.type() === 'error' && CSP_VIOLATION.test(msg.text())) note(msg.text());
    });
  return page;
}

/**
 * A wallet behind `page`'s navigator.credentials.get (Digital Credentials API), before the page
 * is opened: the call answers `{ type: 'digital', protocol, data }`, data being what `answer`
 * returns in Node for the call's `digital.requests` and the page's origin. Where the browser has
 * no `DigitalCredential`, a class of that name stands in, so the page offers the button.
 */
export async function stubDigitalCredentials<R>(
  page: Page,
  protocol: string,
  answer: (requests: R[], pageOrigin: string) => Promise<unknown>,
): Promise<void> {
  await page.exposeFunction('dproofDigitalCredentialsAnswer', answer);
  await page.addInitScript(`
    if (typeof window.DigitalCredential !== 'function') window.DigitalCredential = class DigitalCredential {};
    navigator.credentials.get = async (opts) => ({
      type: 'digital',
      protocol: ${JSON.stringify(protocol)},
      data: await window.dproofDigitalCredentialsAnswer(opts.digital.requests, location.origin),
    });
  `);
}
