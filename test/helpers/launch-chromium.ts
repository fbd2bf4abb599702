/**
 * The browser of the page tests: headless Chromium (TEST_BROWSER) in a fresh profile directory,
 * Korean locale, timeouts scaled to the machine. `close()` closes it and removes the profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args.js';
import { scaled } from './time-scale.js';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(o: { prefix?: string; viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
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
  return {
    context,
    close: async () => {
      await context.close();
      removeProfile();
    },
  };
}
