/**
 * The web wallet trusts verifiers that identify themselves by X.509 (OpenID4VP 1.0 §5.9.3, HAIP
 * 1.0) in Chromium: with the development root this service publishes (GET
 * /v1/wallet/trust-anchors), an x509_san_dns and an x509_hash request answered with
 * direct_post.jwt are verified on the server, and the consent screen names the certificate's
 * subject and domain. Each refusal is said in one Korean sentence, with nothing English: a hash
 * that is not the leaf's, a SAN that is not the client_id's, a chain to a root the wallet does not
 * trust, an expired certificate (the page's clock moved past it, no sleep), a broken signature.
 * Runs when TEST_BROWSER names a Chromium binary.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { buildIfStale } from '../../scripts/build.js';
import { launchChromium, type TestBrowser } from '../helpers/launch-chromium.js';
import { makeOffer } from '../openid4vci/vci-helpers.js';
import { AGE_CHECK_PURPOSE, ageOver19Query, createDcqlRequest, readRequestView } from '../presentation/helpers.js';
import { createVerifierIdentity, SERVICE_OWNER } from '../../src/presentation/x509-identity/manage-verifier-identities.js';
import { createDevChain } from '../../src/presentation/x509-identity/create-certificates.js';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import { REQUEST_REFUSAL } from '../../src/verdict/glossary.js';

const BROWSER = process.env.TEST_BROWSER;
const skip = BROWSER ? false : 'TEST_BROWSER is not set (path to a Chromium binary; .ci/run sets /usr/bin/chromium)';
const DAY = 86_400_000;

describe.skipIf(skip)('web wallet: X.509 verifier identity', () => {
  let t: TestApp;
  let context: BrowserContext;
  let browser: TestBrowser;
  let verifierKey: string;
  let wallet: Page;
  let anchorB64: string;
  let x509Hash: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildIfStale({ only: 'web', quiet: true });
    t = await startTestApp({ listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    verifierKey = await t.apiKey('verifier');
    // `dproof verifier-certs create --dev` for this service's host (PUBLIC_URL is http://127.0.0.1:<port>).
    const created = await createVerifierIdentity(
      { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' },
      { owner: SERVICE_OWNER, dnsName: new URL(t.url).hostname, mode: 'dev' },
    );
    anchorB64 = created.anchorPem!.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
    x509Hash = created.identity.x509_hash!;
    browser = await launchChromium({ prefix: 'dproof-chromium-x509-', viewport: { width: 390, height: 844 } });
    context = browser.context;
    wallet = await context.newPage();
    wallet.on('pageerror', (e) => pageErrors.push(e.message));
    const offer = await makeOffer(t, await t.apiKey('issuer'), {
      type: 'driver-license',
      format: 'dc+sd-jwt',
      claims: t.runtime.catalog.get('driver-license')!.example,
    });
    await wallet.goto(`${t.url}/wallet`);
    await wallet.getByLabel('발급 링크').fill(offer.offer);
    await wallet.getByRole('button', { name: '받기' }).click();
    await wallet.locator('li.vc').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const ask = (prefix: 'x509_san_dns' | 'x509_hash') =>
    createDcqlRequest(t.app, verifierKey, ageOver19Query(t.runtime.catalog.get('driver-license')!.vct), {
      response_mode: 'direct_post.jwt',
      client_id_prefix: prefix,
      purpose: AGE_CHECK_PURPOSE,
    });
  const statusOf = async (id: string) => (await readRequestView(t.app, verifierKey, id)).status;

  /** Opens a request link on `page` and returns the refusal it shows (undefined: the consent screen opened). */
  async function open(page: Page, link: string): Promise<string | undefined> {
    await page.getByLabel('요청 링크').fill(link);
    await page.getByRole('button', { name: '요청 열기' }).click();
    await page.locator('#who-h, .callout.error').first().waitFor();
    return (await page.locator('.callout.error').count()) ? ((await page.locator('.callout.error').textContent()) ?? '').trim() : undefined;
  }

  it('publishes this development service’s verifier root as the web wallet’s trust anchor', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/wallet/trust-anchors' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { anchors: [{ certificate: anchorB64, source: 'development' }] });
  });

  for (const prefix of ['x509_san_dns', 'x509_hash'] as const) {
    it(`${prefix} + direct_post.jwt: the consent screen names the certificate, the answer is verified on the server`, async () => {
      const req = await ask(prefix);
      assert.equal(await open(wallet, req.authorization_request), undefined);
      assert.equal(await wallet.locator('#verifier-san').textContent(), '127.0.0.1');
      assert.match((await wallet.locator('#verifier-subject').textContent()) ?? '', /CN=127\.0\.0\.1/);
      await wallet.getByText('이 지갑이 신뢰하는 인증기관이 발급한 검증기관 인증서로 확인했습니다', { exact: false }).waitFor();
      await wallet.getByRole('button', { name: '동의하고 제출' }).click();
      await wallet.getByRole('heading', { name: '제출 동의' }).waitFor({ state: 'detached' });
      assert.equal(await statusOf(req.id), 'verified');
      await wallet.getByRole('button', { name: /지갑으로/ }).click();
    });
  }

  it('refuses a client_id that is not the hash of the signing certificate, and one whose SAN is another name; nothing is posted', async () => {
    const posted: string[] = [];
    wallet.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/openid4vp/')) posted.push(r.url());
    });
    const hashReq = await ask('x509_hash');
    const otherHash = `${x509Hash.slice(0, -4)}${x509Hash.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    assert.equal(
      await open(wallet, hashReq.authorization_request.replace(encodeURIComponent(x509Hash), encodeURIComponent(otherHash))),
      REQUEST_REFUSAL.hash_mismatch.ko,
    );
    const sanReq = await ask('x509_san_dns');
    assert.equal(
      await open(wallet, sanReq.authorization_request.replace('x509_san_dns%3A127.0.0.1', 'x509_san_dns%3Averifier.example')),
      REQUEST_REFUSAL.san_mismatch.ko,
    );
    assert.deepEqual(posted, []);
    assert.equal(await statusOf(hashReq.id), 'pending');
    assert.equal(await statusOf(sanReq.id), 'pending');
  });

  it('refuses a chain to a root the wallet does not trust', async () => {
    const page = await context.newPage();
    // The service publishes another root (an operator's CA that did not sign this verifier).
    const other = await createDevChain({ publicJwk: (await generateHolderKey()).publicJwk, dnsName: 'other.example', now: Date.now() });
    await page.route('**/v1/wallet/trust-anchors', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ anchors: [{ certificate: Buffer.from(other.anchor).toString('base64'), source: 'configured' }] }),
      }),
    );
    await page.goto(`${t.url}/wallet`);
    assert.equal(await open(page, (await ask('x509_san_dns')).authorization_request), REQUEST_REFUSAL.chain_untrusted.ko);
    await page.close();
  });

  it('refuses a request object whose signature was changed, in Korean with no English', async () => {
    const page = await context.newPage();
    await page.route('**/openid4vp/requests/**', async (route) => {
      const res = await route.fetch();
      const [h, p, s] = (await res.text()).trim().split('.') as [string, string, string];
      const sig = Buffer.from(s, 'base64url');
      sig[10] ^= 1;
      await route.fulfill({ response: res, body: `${h}.${p}.${sig.toString('base64url')}` });
    });
    await page.goto(`${t.url}/wallet`);
    const said = await open(page, (await ask('x509_san_dns')).authorization_request);
    assert.equal(said, REQUEST_REFUSAL.bad_signature.ko);
    assert.doesNotMatch(said!, /[A-Za-z]/, 'no English hint in Korean mode');
    await page.close();
  });

  it('refuses an expired verifier certificate (the page’s clock moved past its notAfter)', async () => {
    // Last: Playwright's clock belongs to the whole browser context, not to this page.
    const page = await context.newPage();
    await page.clock.setFixedTime(Date.now() + 400 * DAY);
    await page.goto(`${t.url}/wallet`);
    assert.equal(await open(page, (await ask('x509_hash')).authorization_request), REQUEST_REFUSAL.certificate_expired.ko);
    await page.close();
    assert.deepEqual(pageErrors, []);
  });
});
