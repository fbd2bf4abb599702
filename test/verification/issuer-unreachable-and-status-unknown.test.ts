/**
 * Two refusals of the one pipeline for a trusted external issuer (a second service, reached
 * through a fetch that answers from that app): its keys cannot be fetched
 * (`issuer_keys_unreachable`), and its status list gives the credential a status value that is
 * neither VALID, INVALID nor SUSPENDED (`credential_status_unknown`). Neither is "verified".
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { generateHolderKey, injectFetch, issueViaApi } from '../presentation/helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createVerificationContext } from '../../src/verification/create-verification-context.js';
import { verifyPresentation } from '../../src/verification/verify-presentation.js';
import { fetchText, type Fetcher } from '../../src/verification/fetch-json.js';
import { isAppError } from '../../src/errors.js';
import { verifierClientId } from '../../src/presentation/verifier-identity.js';
import { signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';

const ISSUER2 = 'https://issuer2.example';
const NONCE = 'request-nonce-0123456789abcdef';

describe('an external issuer whose keys or status cannot be used', () => {
  let verifier: TestApp;
  let issuer2: TestApp;
  let holder: HolderKey;
  let credential: string;

  beforeAll(async () => {
    verifier = await startTestApp({ env: { TRUSTED_ISSUERS: `${ISSUER2}/` } });
    issuer2 = await startTestApp({ env: { PUBLIC_URL: ISSUER2 } });
    holder = await generateHolderKey();
    ({ credential } = await issueViaApi(issuer2, await issuer2.apiKey('issuer'), 'resident-id', holder));
  });
  afterAll(async () => {
    await verifier?.close();
    await issuer2?.close();
  });

  const verify = async (fetcher: Fetcher) => {
    const ctx = createVerificationContext(verifier.runtime, fetcher);
    const { presentation } = await createHolderPresentation({
      credential,
      disclose: ['family_name'],
      holderSigner: holder.signer,
      aud: verifierClientId(verifier.config.publicUrl),
      nonce: NONCE,
      iat: Math.floor(Date.now() / 1000),
    });
    return verifyPresentation(
      {
        presentation,
        policy: { claims: [['family_name']] },
        kb: { aud: verifierClientId(verifier.config.publicUrl), nonce: NONCE, maxAgeSeconds: 120 },
      },
      ctx,
    );
  };

  it('refuses with issuer_keys_unreachable when the issuer metadata cannot be fetched', async () => {
    const v = await verify(async () => {
      throw new TypeError('fetch failed');
    });
    assert.equal(v.verdict, 'rejected');
    assert.equal(v.code, 'issuer_keys_unreachable');
  });

  it('a peer that does not answer is fetch_failed (502) to the checks, which name what could not be fetched', async () => {
    await assert.rejects(
      fetchText(fetch, 'http://127.0.0.1:1/.well-known/jwt-vc-issuer', 'application/json'),
      (e) => isAppError(e) && e.code === 'fetch_failed' && e.status === 502,
    );
  });

  it('refuses with credential_status_unknown when the list holds a value other than 0, 1 or 2 for the credential', async () => {
    const status = (decodeJwt(credential.split('~')[0]!) as { status: { status_list: { idx: number; uri: string } } }).status.status_list;
    const viaApp = injectFetch(issuer2.app);
    const v = await verify(async (url, init) => {
      if (url !== status.uri) return viaApp(url, init);
      // A list signed by issuer2's own key, with 3 (an application-specific value, §7.1) at the index.
      const list = new StatusList(131072, 2);
      list.set(status.idx, 3);
      const token = await signStatusListToken({
        uri: url,
        list,
        clock: { now: () => Date.now() },
        expiresInSeconds: 3600,
        ttlSeconds: 60,
        signer: issuer2.runtime.keys.signer('ES256'),
      });
      return new Response(token, { status: 200, headers: { 'content-type': 'application/statuslist+jwt' } });
    });
    assert.equal(v.verdict, 'rejected');
    assert.equal(v.code, 'credential_status_unknown');
  });
});
