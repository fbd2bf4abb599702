/**
 * Trust and status through the one pipeline, with a second service as an external issuer
 * (`TRUSTED_ISSUERS`), reached through a fetch that answers from that app: keys from its
 * /.well-known/jwt-vc-issuer, its status list fetched and cached by ttl. A list that cannot be
 * fetched, is signed by the wrong key or has expired gives no "verified".
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { generateHolderKey, injectFetch, issueViaApi } from '../presentation/helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createVerificationContext } from '../../src/verification/create-verification-context.js';
import { verifyPresentation } from '../../src/verification/verify-presentation.js';
import type { Fetcher } from '../../src/verification/fetch-json.js';
import { verifierClientId } from '../../src/presentation/verifier-identity.js';
import { signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';

const ISSUER2 = 'https://issuer2.example';
/** An OpenID4VP request's nonce (the pipeline's request-bound mode). */
const REQUEST_NONCE = 'request-nonce-0123456789abcdef';

for (const backend of storeTargets()) {
  describe(`external issuers and status lists (${backend})`, () => {
    let verifier: TestApp;
    let issuer2: TestApp;
    let holder: HolderKey;
    let credential: string;
    let fetched: string[];

    beforeAll(async () => {
      verifier = await startTestApp({ store: backend, env: { TRUSTED_ISSUERS: `${ISSUER2}/` } });
      issuer2 = await startTestApp({ store: backend, env: { PUBLIC_URL: ISSUER2 } });
      holder = await generateHolderKey();
      ({ credential } = await issueViaApi(issuer2, await issuer2.apiKey('issuer'), 'resident-id', holder));
    });
    afterAll(async () => {
      await verifier?.close();
      await issuer2?.close();
    });

    const context = (opts: { status?: 'down' | 'wrong-key'; clockMs?: number } = {}) => {
      fetched = [];
      const viaApp = injectFetch(issuer2.app);
      const fetcher: Fetcher = async (url, init) => {
        fetched.push(url);
        if (!url.startsWith(`${ISSUER2}/`)) throw new Error(`fetched outside the trust list: ${url}`);
        if (url.includes('/status/') && opts.status === 'down') throw new TypeError('fetch failed');
        if (url.includes('/status/') && opts.status === 'wrong-key') {
          // A well-formed list for that URI, signed by a key that is not issuer2's.
          const token = await signStatusListToken({
            uri: url,
            list: new StatusList(131072, 2),
            clock: { now: () => Date.now() },
            expiresInSeconds: 3600,
            ttlSeconds: 60,
            signer: verifier.runtime.keys.signer('ES256'),
          });
          return new Response(token, { status: 200 });
        }
        return viaApp(url, init);
      };
      const clock = fixedClock(opts.clockMs ?? Date.now());
      return { ctx: createVerificationContext({ ...verifier.runtime, clock }, fetcher), clock };
    };

    const present = async (clockMs = Date.now()) =>
      (
        await createHolderPresentation({
          credential,
          disclose: ['family_name'],
          holderSigner: holder.signer,
          aud: verifierClientId(verifier.config.publicUrl),
          nonce: REQUEST_NONCE,
          iat: Math.floor(clockMs / 1000),
        })
      ).presentation;

    const verify = async (ctx: ReturnType<typeof context>['ctx'], presentation: string) =>
      verifyPresentation(
        {
          presentation,
          policy: { claims: [['family_name']] },
          kb: { aud: verifierClientId(verifier.config.publicUrl), nonce: REQUEST_NONCE, maxAgeSeconds: 120 },
        },
        ctx,
      );

    it('verifies a credential of a trusted external issuer with keys from its jwt-vc-issuer metadata, and caches its status list by ttl', async () => {
      const { ctx } = context();
      const first = await verify(ctx, await present());
      assert.equal(first.verdict, 'verified', JSON.stringify(first.checks));
      assert.ok(fetched.some((u) => u === `${ISSUER2}/.well-known/jwt-vc-issuer`));
      assert.ok(fetched.some((u) => u === `${ISSUER2}/.well-known/jwks.json`));
      assert.equal(fetched.filter((u) => u.includes('/status/')).length, 1);
      const second = await verify(ctx, await present());
      assert.equal(second.verdict, 'verified');
      assert.equal(fetched.filter((u) => u.includes('/status/')).length, 1, 'the list came from the cache');
    });

    it('gives no verified verdict when the status list is unreachable', async () => {
      const { ctx } = context({ status: 'down' });
      const v = await verify(ctx, await present());
      assert.equal(v.verdict, 'rejected');
      assert.equal(v.code, 'status_list_unreachable');
    });

    it('gives no verified verdict when the status list is signed by another key', async () => {
      const { ctx } = context({ status: 'wrong-key' });
      const v = await verify(ctx, await present());
      assert.equal(v.code, 'status_list_signature_invalid');
    });

    it('gives no verified verdict when the status list has expired', async () => {
      const later = Date.now() + 2 * 86_400_000; // past the list's 24 h validity, inside the credential's
      const { ctx } = context({ clockMs: later });
      const v = await verify(ctx, await present(later));
      assert.equal(v.code, 'status_list_token_expired');
    });

    it('does not trust an issuer that is not listed, and fetches nothing for it', async () => {
      const alone = await startTestApp({ store: backend });
      try {
        const { ctx } = (() => {
          fetched = [];
          return {
            ctx: createVerificationContext(alone.runtime, async (url) => {
              fetched.push(url);
              throw new Error('no');
            }),
          };
        })();
        const v = await verifyPresentation(
          {
            presentation: await present(),
            policy: {},
            kb: { aud: verifierClientId(verifier.config.publicUrl), nonce: REQUEST_NONCE, maxAgeSeconds: 120 },
          },
          ctx,
        );
        assert.equal(v.code, 'untrusted_issuer');
        assert.deepEqual(fetched, []);
      } finally {
        await alone.close();
      }
    });
  });
}
