/**
 * The policy check of the verification pipeline, on its own: a DCQL query, parsed and turned into
 * a policy, against presented claims. Which claim set is picked, which code a failure gets, and
 * that the result holds only what was asked. Pure: no server, no store.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isAppError } from '../../src/errors.js';
import type { JsonObject } from '../../src/formats/jose/types.js';
import { parseDcqlQuery, policyForQuery } from '../../src/presentation/parse-dcql-query.js';
import type { ApiClient } from '../../src/store/repositories/clients-repo.js';
import { checkPolicy, type VerificationContext, type VerifyInput } from '../../src/verification/verification-checks.js';
import { detectPresentationFormat } from '../../src/formats/registry.js';
import type { PresentationState, VerificationPolicy } from '../../src/verification/verification-types.js';
import { shippedCatalog } from '../catalog/temp-catalog.js';
import { IssuerTrust } from '../../src/verification/issuer-trust.js';
import { systemClock } from '../../src/clock.js';

const catalog = await shippedCatalog();
const vct = catalog.get('driver-license')!.vct;
const client: ApiClient = {
  id: 'v1',
  name: 'bank',
  role: 'verifier',
  types: null,
  keyHash: 'x',
  rateLimit: null,
  createdAt: 0,
  revokedAt: null,
};
// checkPolicy reads the catalogue and the issuer trust (for the issuer's authority over the type) from its context.
const trust = new IssuerTrust({
  ownIssuer: 'https://issuer.example',
  ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
  trusted: [],
  fetch: () => Promise.reject(new Error('checkPolicy fetches nothing')),
  clock: systemClock,
});
const context = { catalog, trust } as VerificationContext;

const presented: JsonObject = {
  family_name: '이',
  birth_date: '1959-05-20',
  age_over_19: true,
  nationalities: ['KR', 'US'],
  driving_privileges: [
    { vehicle_category_code: 'B', issue_date: '1985-03-12' },
    { vehicle_category_code: 'A', issue_date: '1990-07-01' },
  ],
};

const policyOf = (claimsQuery: Record<string, unknown>): VerificationPolicy =>
  policyForQuery(
    parseDcqlQuery({ credentials: [{ id: 'dl', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, ...claimsQuery }] }, catalog, client)
      .credentials[0]!,
  );

// checkPolicy runs after the parse check: the state holds the credential as the SD-JWT VC adapter parsed it
// (an unsigned one will do: the signature checks are not run here).
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const text = `${b64({ alg: 'ES256', typ: 'dc+sd-jwt' })}.${b64({ iss: 'https://issuer.example', vct })}.c2ln~`;
const { parsed } = detectPresentationFormat(text);

async function run(policy: VerificationPolicy, claims: JsonObject = presented): Promise<PresentationState> {
  const s: PresentationState = { text, format: 'dc+sd-jwt', parsed, type: vct, iss: 'https://issuer.example', claims };
  await checkPolicy(s, context, { presentation: '', policy, kb: { aud: 'x', maxAgeSeconds: 60, nonce: 'n' } } satisfies VerifyInput);
  return s;
}

async function fails(policy: VerificationPolicy, code: string): Promise<void> {
  await assert.rejects(run(policy), (e: unknown) => isAppError(e) && e.code === code);
}

describe('checkPolicy with DCQL claims (OpenID4VP §6.4.1)', () => {
  it('keeps exactly the asked claims, and names them for the receipt', async () => {
    const s = await run(policyOf({ claims: [{ path: ['family_name'] }, { path: ['driving_privileges', null, 'vehicle_category_code'] }] }));
    assert.deepEqual(s.selected, {
      family_name: '이',
      driving_privileges: [{ vehicle_category_code: 'B' }, { vehicle_category_code: 'A' }],
    });
    assert.deepEqual(s.selectedNames, ['family_name', 'driving_privileges[].vehicle_category_code']);
  });

  it('is not run without a parsed credential: that is a bug in the check order (a plain Error, 500), not a verdict', async () => {
    const s: PresentationState = { text, format: 'dc+sd-jwt', type: vct, iss: 'https://issuer.example', claims: presented };
    const input = { presentation: '', policy: {}, kb: { aud: 'x', maxAgeSeconds: 60, nonce: 'n' } } satisfies VerifyInput;
    await assert.rejects(
      async () => checkPolicy(s, context, input),
      (e: unknown) => !isAppError(e) && /before parsePresentation/.test(String(e)),
    );
  });

  it('keeps only the indexed element', async () => {
    const s = await run(policyOf({ claims: [{ path: ['nationalities', 1] }] }));
    assert.deepEqual(s.selected, { nationalities: ['US'] });
    assert.deepEqual(s.selectedNames, ['nationalities[1]']);
  });

  it('picks the first claim set presented in full, and keeps only its claims', async () => {
    const claim_sets = [['over21'], ['over19'], ['birth']];
    const claims = [
      { id: 'over21', path: ['age_over_21'] },
      { id: 'over19', path: ['age_over_19'] },
      { id: 'birth', path: ['birth_date'] },
    ];
    const s = await run(policyOf({ claims, claim_sets }));
    assert.deepEqual(s.selected, { age_over_19: true });
    assert.deepEqual(s.selectedNames, ['age_over_19']);
  });

  it('skips a claim set whose value does not match (§6.3)', async () => {
    const claims = [
      { id: 'kr', path: ['nationalities', null], values: ['JP'] },
      { id: 'name', path: ['family_name'] },
    ];
    const s = await run(policyOf({ claims, claim_sets: [['kr'], ['name']] }));
    assert.deepEqual(s.selected, { family_name: '이' });
  });

  it('refuses with claim_missing when no claim set is presented in full', async () => {
    await fails(
      policyOf({
        claims: [
          { id: 'a', path: ['age_over_21'] },
          { id: 'g', path: ['given_name'] },
        ],
        claim_sets: [['a'], ['g']],
      }),
      'claim_missing',
    );
  });

  it('refuses with claim_missing when an asked claim is absent or its path does not fit the claims', async () => {
    await fails(policyOf({ claims: [{ path: ['given_name'] }] }), 'claim_missing');
    await fails(policyOf({ claims: [{ path: ['nationalities', 2] }] }), 'claim_missing');
    await fails(policyOf({ claims: [{ path: ['family_name', 'x'] }] }), 'claim_missing');
  });

  it('refuses with claim_value_mismatch when a value is not among the accepted ones (type and value)', async () => {
    await fails(policyOf({ claims: [{ path: ['family_name'], values: ['김'] }] }), 'claim_value_mismatch');
    await fails(policyOf({ claims: [{ path: ['age_over_19'], values: ['true'] }] }), 'claim_value_mismatch');
    const s = await run(policyOf({ claims: [{ path: ['age_over_19'], values: [true] }] }));
    assert.deepEqual(s.selected, { age_over_19: true });
  });

  it('asks for no claim when claims is absent: the result holds none', async () => {
    const s = await run(policyOf({}));
    assert.deepEqual(s.selected, {});
    assert.deepEqual(s.selectedNames, []);
  });

  it('refuses another type before looking at claims', async () => {
    await fails({ ...policyOf({ claims: [{ path: ['family_name'] }] }), types: ['https://elsewhere.example/vct'] }, 'type_not_accepted');
  });
});

describe('checkPolicy with the claim paths the issuer metadata publishes for VC-JWT (issue 18)', () => {
  it('takes ["credentialSubject", …] from the metadata as it is, and the bare path too, for the same claim', async () => {
    const { buildIssuerMetadata } = await import('../../src/issuance/build-issuer-metadata.js');
    const meta = buildIssuerMetadata(catalog, { publicUrl: 'https://issuer.example', signingAlgs: ['ES256'], batchSize: 1 });
    const vcJwt = meta.credential_configurations_supported['driver-license-vc-jwt'] as {
      credential_metadata: { claims: { path: (string | number | null)[] }[] };
    };
    const published = vcJwt.credential_metadata.claims.find((c) => c.path.at(-1) === 'family_name')!.path;
    assert.deepEqual(published, ['credentialSubject', 'family_name']);
    for (const path of [published, ['family_name']]) {
      const s: PresentationState = {
        text: '',
        format: 'vc+jwt',
        type: vct,
        iss: 'https://issuer.example',
        claims: presented,
        parsed: { payload: { type: ['VerifiableCredential'], credentialSubject: presented } },
      };
      await checkPolicy(s, context, { presentation: '', policy: { claims: [path] }, kb: { aud: 'x', maxAgeSeconds: 60, nonce: 'n' } });
      assert.deepEqual(s.selected, { family_name: '이' });
      assert.deepEqual(s.selectedNames, ['family_name']);
    }
    // An SD-JWT VC has no such prefix: the same path asks for a claim named credentialSubject.
    await assert.rejects(run({ claims: [published] }), (e: unknown) => isAppError(e) && e.code === 'claim_missing');
  });
});
