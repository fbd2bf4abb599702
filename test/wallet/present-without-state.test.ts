/**
 * OpenID4VP 1.0 §5.2: `state` is REQUIRED only when a credential is asked for without
 * cryptographic holder binding; otherwise optional. Our CLI wallet answered only requests with a
 * state (an interop bug against verifiers that omit it). Here the verifier's request object is
 * re-signed by the verifier's own key without `state`, and the wallet's POST is caught.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ageOver19Query, cliWalletWithDriverLicense, createDcqlRequest, injectFetch } from '../presentation/helpers.js';
import { presentToVerifier } from '../../src/wallet/present-to-verifier.js';
import type { Wallet } from '../../src/wallet/wallet-file.js';
import { signCompactJws } from '../../src/formats/jose/sign-compact-jws.js';
import { didSigner } from '../../src/presentation/verifier-identity.js';
import { isAppError } from '../../src/errors.js';

const PUBLIC_URL = 'https://verifier.example';

describe('CLI wallet: a request without state', () => {
  let t: TestApp;
  let verifierKey: string;
  let wallet: Wallet;
  let vct: string;

  beforeAll(async () => {
    t = await startTestApp({ store: 'sqlite', env: { PUBLIC_URL } });
    verifierKey = await t.apiKey('verifier');
    const issuerKey = await t.apiKey('issuer');
    ({ wallet, vct } = await cliWalletWithDriverLicense(t, issuerKey, PUBLIC_URL));
  });
  afterAll(async () => t?.close());

  /** The real verifier, except that its request object comes without state (and with `edit` applied). */
  const verifierWithoutState = (edit: (p: Record<string, unknown>) => void = () => undefined) => {
    const real = injectFetch(t.app);
    const posted: URLSearchParams[] = [];
    const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (url.pathname.startsWith('/openid4vp/requests/')) {
        const payload = decodeJwt(await (await real(input, init)).text()) as Record<string, unknown>;
        delete payload.state;
        edit(payload);
        const jwt = await signCompactJws(
          { typ: 'oauth-authz-req+jwt' },
          payload as never,
          didSigner(PUBLIC_URL, t.runtime.keys.signer('ES256')),
        );
        return new Response(jwt, { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' } });
      }
      if (url.pathname === '/openid4vp/response') {
        posted.push(new URLSearchParams(String(init?.body)));
        return Response.json({ status: 'received' });
      }
      return real(input, init);
    };
    return { fetch: f as typeof fetch, posted };
  };

  const createRequest = async () => (await createDcqlRequest(t.app, verifierKey, ageOver19Query(vct, 'dl'))).authorization_request;

  it('answers a request without state when holder binding is asked (the default), posting no state', async () => {
    const v = verifierWithoutState();
    const out = await presentToVerifier(wallet, { link: await createRequest(), fetch: v.fetch });
    assert.equal(out.response.status, 'received');
    assert.equal(v.posted.length, 1);
    assert.equal(v.posted[0]!.has('state'), false);
    assert.ok(JSON.parse(v.posted[0]!.get('vp_token')!).dl);
  });

  it('refuses a request without state that asks for a credential without holder binding (§5.2)', async () => {
    const v = verifierWithoutState((p) => {
      (p.dcql_query as { credentials: Record<string, unknown>[] }).credentials[0]!.require_cryptographic_holder_binding = false;
    });
    await assert.rejects(presentToVerifier(wallet, { link: await createRequest(), fetch: v.fetch }), (e: unknown) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'present_failed');
      assert.match(e.message, /without holder binding and has no state/);
      return true;
    });
    assert.equal(v.posted.length, 0);
  });
});
