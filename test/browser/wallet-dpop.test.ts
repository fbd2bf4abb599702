/**
 * The web wallet does DPoP (RFC 9449) in Chromium: against a server with DPOP_REQUIRED=true it
 * receives a credential through a DPoP-bound token (after the server's use_dpop_nonce), signing
 * its proofs with a non-extractable WebCrypto key. Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { BROWSER_SKIP, startBrowserSuite, type BrowserSuite } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';

describe.skipIf(BROWSER_SKIP)('web wallet with DPoP required', () => {
  let s: BrowserSuite;
  let t: TestApp;
  let context: BrowserContext;

  beforeAll(async () => {
    s = await startBrowserSuite({ env: { DPOP_REQUIRED: 'true', RATE_LIMIT_PER_MINUTE: '0' } });
    ({ t, context } = s);
  });

  afterAll(async () => {
    await s?.close();
  });

  it('receives a credential through a DPoP-bound token', async () => {
    const issuerKey = await t.apiKey('issuer');
    const type = t.runtime.catalog.get('resident-id')!;
    const offer = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example });
    const wallet = await context.newPage();
    const dpopHeaders: string[] = [];
    wallet.on('request', (r) => {
      const h = r.headers().dpop;
      if (h) dpopHeaders.push(h);
    });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.getByText('내 증명서 (1)').waitFor();
    const row = await t.runtime.store.db
      .selectFrom('vci_access_tokens')
      .select('dpop_jkt')
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    assert.match(row?.dpop_jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
    // token (first without nonce, then with it) and credential: three proofs, all typed dpop+jwt.
    assert.ok(dpopHeaders.length >= 2, `DPoP headers sent: ${dpopHeaders.length}`);
    for (const h of dpopHeaders) assert.equal(JSON.parse(Buffer.from(h.split('.')[0]!, 'base64url').toString()).typ, 'dpop+jwt');
  });
});
