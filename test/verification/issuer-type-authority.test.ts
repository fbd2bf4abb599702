/**
 * Issuer authority per type (issue 14, class 3) and format confusion: a trusted issuer speaks
 * only for the types it is configured for (by default those under its own identifier), never
 * for this service's catalogue types; a DCQL credential query is answered only by its format.
 * Both the counter policy and the DCQL policy go through the one pipeline (verifyPresentation).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { generateHolderKey, injectFetch, issueViaApi } from '../presentation/helpers.js';
import type { HolderKey } from '../../src/wallet/holder-key.js';
import { createHolderPresentation } from '../../src/wallet/create-holder-presentation.js';
import { createVerificationContext } from '../../src/verification/create-verification-context.js';
import { verifyPresentation } from '../../src/verification/verify-presentation.js';
import type { TrustedIssuer } from '../../src/verification/issuer-type-authority.js';
import type { VerificationPolicy, VerificationReport } from '../../src/verification/verification-types.js';
import { parseDcqlQuery, policyForQuery } from '../../src/presentation/parse-dcql-query.js';
import { toPolicy } from '../../src/presentation/verify-counter-presentation.js';
import { credentialTypeName } from '../../src/presentation/record-receipt.js';
import type { ApiClient } from '../../src/store/repositories/clients-repo.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { signRaw, decodeJwt, type JsonObj } from '../security/support/craft.js';

const ISSUER2 = 'https://issuer2.example';
const NONCE = 'request-nonce-0123456789abcdef';
const AUD = 'decentralized_identifier:did:web:verifier.example';
const anyClient: ApiClient = {
  id: 'c1',
  name: 'test',
  role: 'verifier',
  types: null,
  keyHash: '',
  rateLimit: null,
  createdAt: 0,
  revokedAt: null,
};

for (const backend of storeTargets()) {
  describe(`issuer authority per type and format confusion (${backend})`, () => {
    let verifier: TestApp;
    let issuer2: TestApp;
    let holder: HolderKey;
    /** issuer2's own resident-id (vct under https://issuer2.example/). */
    let foreignOwnType: string;
    /** issuer2-signed, but naming the VERIFIER's driver-license vct. */
    let foreignOurType: string;
    let ourVct: string;
    let foreignVct: string;

    beforeAll(async () => {
      verifier = await startTestApp({ store: backend, env: { TRUSTED_ISSUERS: ISSUER2 } });
      issuer2 = await startTestApp({ store: backend, env: { PUBLIC_URL: ISSUER2 } });
      holder = await generateHolderKey();
      ({ credential: foreignOwnType } = await issueViaApi(issuer2, await issuer2.apiKey('issuer'), 'resident-id', holder));
      ourVct = verifier.runtime.catalog.get('driver-license')!.vct;
      foreignVct = issuer2.runtime.catalog.get('resident-id')!.vct;
      const [jwt, ...rest] = foreignOwnType.split('~');
      const { header, payload } = decodeJwt(jwt!);
      payload.vct = ourVct;
      foreignOurType = [await signRaw(issuer2.runtime.keys.signer('ES256'), header, payload as JsonObj), ...rest].join('~');
    });
    afterAll(async () => {
      await verifier?.close();
      await issuer2?.close();
    });

    const verify = async (credential: string, policy: VerificationPolicy, trusted?: TrustedIssuer[]): Promise<VerificationReport> => {
      const config = trusted ? { ...verifier.config, trustedIssuers: trusted } : verifier.config;
      const ctx = createVerificationContext({ ...verifier.runtime, config }, injectFetch(issuer2.app) as never);
      const { presentation } = await createHolderPresentation({
        credential,
        disclose: ['family_name'],
        holderSigner: holder.signer,
        aud: AUD,
        nonce: NONCE,
        iat: Math.floor(Date.now() / 1000),
      });
      return verifyPresentation({ presentation, policy, kb: { aud: AUD, nonce: NONCE, maxAgeSeconds: 120 } }, ctx);
    };
    const dcql = (vct: string, format = 'dc+sd-jwt', binding = true) =>
      policyForQuery(
        parseDcqlQuery(
          { credentials: [{ id: 'q', format, meta: { vct_values: [vct] }, require_cryptographic_holder_binding: binding }] },
          verifier.runtime.catalog,
          anyClient,
        ).credentials[0]!,
      );
    // A format not asked for is refused at typ_alg, before what that format lacks (a holder key) is.
    const refused = (v: VerificationReport, code: string) => {
      const check = code === 'format_not_accepted' ? 'typ_alg' : 'policy';
      assert.equal(v.verdict, 'rejected', JSON.stringify(v.checks));
      assert.equal(v.code, code);
      assert.deepEqual(
        v.checks.find((c) => c.check === check),
        { check, ok: false, code },
      );
    };

    // One class, every policy shape: a foreign issuer's credential naming OUR vct is refused.
    const ourTypePolicies: [string, () => VerificationPolicy][] = [
      [
        'a counter policy asking for the catalogue type',
        () => toPolicy({ types: ['driver-license'] }, anyClient, verifier.runtime.catalog),
      ],
      ['a counter policy asking for the vct', () => toPolicy({ types: [ourVct] }, anyClient, verifier.runtime.catalog)],
      ['a counter policy asking for no type at all', () => toPolicy({}, anyClient, verifier.runtime.catalog)],
      ['a DCQL query for that vct', () => dcql(ourVct)],
    ];
    for (const [name, policy] of ourTypePolicies) {
      it(`refuses a trusted issuer's credential with this service's vct: ${name}`, async () => {
        const v = await verify(foreignOurType, policy());
        refused(v, 'issuer_not_authorized_for_type');
        // The verdict never names a catalogue type for it.
        assert.equal(v.credential?.type, ourVct);
        assert.notEqual(credentialTypeName(verifier.runtime.catalog, verifier.config.publicUrl, v), 'driver-license');
      });
    }

    it('refuses our vct from a foreign issuer even when its list would cover it, and config refuses listing it', async () => {
      const v = await verify(foreignOurType, {}, [{ issuer: ISSUER2, types: [ourVct, `${verifier.config.publicUrl}/`] }]);
      refused(v, 'issuer_not_authorized_for_type');
      for (const entry of [`${ISSUER2}|${ourVct}`, `${ISSUER2}|${verifier.config.publicUrl}/vct/`, `${ISSUER2}|http://`]) {
        assert.throws(
          () => loadConfig({ PUBLIC_URL: verifier.config.publicUrl, TRUSTED_ISSUERS: entry }),
          (e) => e instanceof ConfigError && e.variable === 'TRUSTED_ISSUERS',
          entry,
        );
      }
    });

    it('reads TRUSTED_ISSUERS entries with and without authorised types (backward compatible)', () => {
      const c = loadConfig({
        PUBLIC_URL: 'https://svc.example',
        TRUSTED_ISSUERS: `${ISSUER2}/, https://b.example|https://b.example/vct/ | urn:x:pid:1`,
      });
      assert.deepEqual(c.trustedIssuers, [
        { issuer: ISSUER2, types: [] },
        { issuer: 'https://b.example', types: ['https://b.example/vct/', 'urn:x:pid:1'] },
      ]);
    });

    it("accepts a trusted issuer's credential of its own type (default: types under its identifier), by counter and by DCQL", async () => {
      for (const policy of [toPolicy({ types: [foreignVct] }, anyClient, verifier.runtime.catalog), dcql(foreignVct)]) {
        const v = await verify(foreignOwnType, policy);
        assert.equal(v.verdict, 'verified', JSON.stringify(v.checks));
        assert.equal(
          credentialTypeName(verifier.runtime.catalog, verifier.config.publicUrl, v),
          foreignVct,
          'named by its vct, not by a catalogue id',
        );
      }
    });

    it('does not let a foreign credential answer to a catalogue id, even of a type it may issue', async () => {
      const v = await verify(foreignOwnType, toPolicy({ types: ['resident-id'] }, anyClient, verifier.runtime.catalog));
      refused(v, 'type_not_accepted');
    });

    // Prefix semantics: a value ending in `/` is a prefix, any other one exact vct; a list replaces the default.
    const listCases: [string, string[], string][] = [
      ['an exact vct', [foreignVctOf()], 'verified'],
      ['a prefix ending in /', [`${ISSUER2}/vct/`], 'verified'],
      ['a prefix of another path', [`${ISSUER2}/other/`], 'issuer_not_authorized_for_type'],
      ['a value without a trailing / (exact, not a prefix)', [`${ISSUER2}/vct/resident-id`], 'issuer_not_authorized_for_type'],
      ['another exact vct (the list replaces the default)', ['urn:x:pid:1'], 'issuer_not_authorized_for_type'],
    ];
    function foreignVctOf(): string {
      return `${ISSUER2}/vct/resident-id/v1`;
    }
    for (const [name, types, expected] of listCases) {
      it(`applies a configured type list: ${name} → ${expected}`, async () => {
        assert.equal(foreignVct, foreignVctOf());
        const v = await verify(foreignOwnType, {}, [{ issuer: ISSUER2, types }]);
        if (expected === 'verified') assert.equal(v.verdict, 'verified', JSON.stringify(v.checks));
        else refused(v, expected);
      });
    }

    describe('format confusion', () => {
      let vcJwt: string;
      let sdJwt: string;
      beforeAll(async () => {
        const issuerKey = await verifier.apiKey('issuer');
        ({ credential: vcJwt } = await issueViaApi(verifier, issuerKey, 'driver-license', undefined, 'vc+jwt'));
        ({ credential: sdJwt } = await issueViaApi(verifier, issuerKey, 'driver-license', holder));
      });
      const check = async (presentation: string, policy: VerificationPolicy) => {
        const ctx = createVerificationContext(verifier.runtime, injectFetch(issuer2.app) as never);
        return verifyPresentation({ presentation, policy, kb: { aud: AUD, nonce: NONCE, maxAgeSeconds: 120 } }, ctx);
      };
      const sdPresentation = async () =>
        (
          await createHolderPresentation({
            credential: sdJwt,
            disclose: ['family_name'],
            holderSigner: holder.signer,
            aud: AUD,
            nonce: NONCE,
            iat: Math.floor(Date.now() / 1000),
          })
        ).presentation;

      const asked: [string, () => string][] = [
        ['its vct', () => verifier.runtime.catalog.get('driver-license')!.vct],
        ['its catalogue id', () => 'driver-license'],
        ['its VC type', () => 'DriverLicense'],
      ];
      for (const [label, vct] of asked) {
        it(`does not answer a dc+sd-jwt DCQL query naming ${label} with a bearer VC-JWT`, async () => {
          refused(await check(vcJwt, dcql(vct(), 'dc+sd-jwt', false)), 'format_not_accepted');
        });
      }

      it('does not answer a dc+sd-jwt query that wants holder binding with a VC-JWT: format_not_accepted, not what a VC-JWT lacks', async () => {
        refused(await check(vcJwt, dcql(verifier.runtime.catalog.get('driver-license')!.vct, 'dc+sd-jwt')), 'format_not_accepted');
      });

      it('does not answer a vc+jwt policy with an SD-JWT VC, and each format answers its own', async () => {
        refused(await check(await sdPresentation(), { formats: ['vc+jwt'], requireHolderBinding: false }), 'format_not_accepted');
        assert.equal((await check(vcJwt, { formats: ['vc+jwt'], requireHolderBinding: false })).verdict, 'verified');
        assert.equal((await check(await sdPresentation(), dcql(verifier.runtime.catalog.get('driver-license')!.vct))).verdict, 'verified');
      });
    });
  });
}
