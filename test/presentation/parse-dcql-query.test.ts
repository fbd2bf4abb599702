/** DCQL (OpenID4VP 1.0 §6) as the verifier reads it: what it accepts, what it refuses and where. Pure: no server. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isAppError } from '../../src/errors.js';
import { parseDcqlQuery, policyForQuery, satisfiesCredentialSets, type DcqlQuery } from '../../src/presentation/parse-dcql-query.js';
import type { ApiClient } from '../../src/store/repositories/clients-repo.js';
import { shippedCatalog } from '../catalog/temp-catalog.js';

const catalog = await shippedCatalog();
const vct = catalog.get('driver-license')!.vct;
const otherVct = catalog.get('resident-registration-card')?.vct ?? catalog.types.find((t) => t.id !== 'driver-license')!.vct;
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

type Obj = Record<string, unknown>;
const cred = (extra: Obj = {}): Obj => ({ id: 'dl', format: 'dc+sd-jwt', meta: { vct_values: [vct] }, ...extra });
const mdl = (extra: Obj = {}): Obj => ({ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: 'org.iso.18013.5.1.mDL' }, ...extra });
const vcq = (extra: Obj = {}): Obj => ({
  id: 'vc',
  format: 'jwt_vc_json',
  meta: { type_values: [['VerifiableCredential', 'DriverLicense']] },
  require_cryptographic_holder_binding: false,
  ...extra,
});
const query = (extra: Obj = {}, credExtra: Obj = {}): Obj => ({ credentials: [cred(credExtra)], ...extra });

/** Asserts a refusal with `code` whose first error points at `pointer`. */
function refuses(raw: unknown, pointer: string, code = 'invalid_dcql_query', who: ApiClient = client): void {
  assert.throws(
    () => parseDcqlQuery(raw, catalog, who),
    (e: unknown) => {
      assert.ok(isAppError(e), String(e));
      assert.equal(e.code, code);
      assert.equal(e.status, 400);
      if (code === 'invalid_dcql_query') assert.equal((e.details?.errors as { pointer: string }[])[0]?.pointer, `/dcql_query${pointer}`);
      return true;
    },
  );
}

describe('parse-dcql-query accepts (OpenID4VP §6)', () => {
  it('a minimal query: defaults multiple=false, holder binding required, no claims', () => {
    const q = parseDcqlQuery(query(), catalog, client);
    assert.deepEqual(q, {
      credentials: [{ id: 'dl', format: 'dc+sd-jwt', multiple: false, vctValues: [vct], requireHolderBinding: true }],
    });
  });

  it('claims with ids and values, claim_sets, multiple, require_cryptographic_holder_binding', () => {
    const q = parseDcqlQuery(
      query(
        {},
        {
          multiple: true,
          require_cryptographic_holder_binding: false,
          claims: [
            { id: 'a19', path: ['age_over_19'], values: [true] },
            { id: 'bd', path: ['birth_date'] },
            { id: 'cat', path: ['driving_privileges', 0, 'vehicle_category_code'], values: ['B', 1] },
          ],
          claim_sets: [['a19'], ['bd', 'cat']],
        },
      ),
      catalog,
      client,
    );
    const c = q.credentials[0]!;
    assert.equal(c.multiple, true);
    assert.equal(c.requireHolderBinding, false);
    assert.deepEqual(c.claims, [
      { id: 'a19', path: ['age_over_19'], values: [true] },
      { id: 'bd', path: ['birth_date'] },
      { id: 'cat', path: ['driving_privileges', 0, 'vehicle_category_code'], values: ['B', 1] },
    ]);
    assert.deepEqual(c.claimSets, [['a19'], ['bd', 'cat']]);
  });

  it('credential_sets with options and required (default true)', () => {
    const q = parseDcqlQuery(
      {
        credentials: [cred(), cred({ id: 'id_card', meta: { vct_values: [otherVct] } })],
        credential_sets: [{ options: [['dl'], ['id_card']] }, { options: [['dl', 'id_card']], required: false }],
      },
      catalog,
      client,
    );
    assert.deepEqual(q.credentialSets, [
      { options: [['dl'], ['id_card']], required: true },
      { options: [['dl', 'id_card']], required: false },
    ]);
  });

  it('ignores unknown properties everywhere (§6: "MUST ignore any unknown properties")', () => {
    const q = parseDcqlQuery(
      { ...query({}, { future: 1, claims: [{ path: ['family_name'], later: true }] }), extension: {} },
      catalog,
      client,
    );
    assert.deepEqual(q.credentials[0]!.claims, [{ path: ['family_name'] }]);
  });

  it('reads trusted_authorities of type aki on an mso_mdoc query into the policy (OpenID4VP §6.1.1.1)', () => {
    const ta = [
      { type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y', 'AQID'] },
      { type: 'aki', values: ['AQID'] },
    ];
    const q = parseDcqlQuery({ credentials: [mdl({ trusted_authorities: ta })] }, catalog, client).credentials[0]!;
    assert.deepEqual(q.trustedAuthorityKeyIds, ['s9tIpPmhxdiuNkHMEWNpYim8S8Y', 'AQID']);
    assert.deepEqual(policyForQuery(q).trustedAuthorityKeyIds, ['s9tIpPmhxdiuNkHMEWNpYim8S8Y', 'AQID']);
    assert.equal(
      policyForQuery(parseDcqlQuery({ credentials: [mdl()] }, catalog, client).credentials[0]!).trustedAuthorityKeyIds,
      undefined,
    );
  });

  it('reads trusted_authorities of a dc+sd-jwt query too: an SD-JWT VC with x5c is matched by its chain (HAIP 1.0 §6.1.1)', () => {
    const q = parseDcqlQuery(
      query({}, { trusted_authorities: [{ type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y'] }] }),
      catalog,
      client,
    ).credentials[0]!;
    assert.deepEqual(policyForQuery(q).trustedAuthorityKeyIds, ['s9tIpPmhxdiuNkHMEWNpYim8S8Y']);
  });

  it('refuses a trusted_authorities type other than aki with its own code (etsi_tl, openid_federation)', () => {
    for (const type of ['etsi_tl', 'openid_federation', 'x'])
      refuses(
        { credentials: [mdl({ trusted_authorities: [{ type, values: ['https://lotl.example.com'] }] })] },
        '',
        'dcql_trusted_authority_type_unsupported',
      );
    refuses(
      {
        credentials: [
          mdl({
            trusted_authorities: [
              { type: 'aki', values: ['AQID'] },
              { type: 'etsi_tl', values: ['https://lotl.example.com'] },
            ],
          }),
        ],
      },
      '',
      'dcql_trusted_authority_type_unsupported',
    );
  });

  it('refuses a malformed trusted_authorities as invalid_dcql_query, naming where', () => {
    const at = '/credentials/0/trusted_authorities';
    const bad = (ta: unknown) => ({ credentials: [mdl({ trusted_authorities: ta })] });
    refuses(bad([]), at);
    refuses(bad({ type: 'aki', values: ['AQID'] }), at);
    refuses(bad(['aki']), `${at}/0`);
    refuses(bad([{ values: ['AQID'] }]), `${at}/0`);
    refuses(bad([{ type: 'aki' }]), `${at}/0/values`);
    refuses(bad([{ type: 'aki', values: [] }]), `${at}/0/values`);
    refuses(bad([{ type: 'aki', values: [1] }]), `${at}/0/values`);
    refuses(bad([{ type: 'aki', values: ['AQID', 'not base64url!'] }]), `${at}/0/values/1`);
    refuses(bad([{ type: 'aki', values: ['A'] }]), `${at}/0/values/0`);
    refuses(bad([{ type: 'aki', values: ['AQID='] }]), `${at}/0/values/0`);
    refuses(bad([{ type: 'aki', values: ['x'.repeat(87)] }]), `${at}/0/values/0`);
    // A malformed shape on a dc+sd-jwt query is malformed first.
    refuses(query({}, { trusted_authorities: [{ type: 'aki', values: [] }] }), `${at}/0/values`);
  });

  it('ids of letters, digits, _ and - up to 64 characters', () => {
    assert.equal(parseDcqlQuery(query({}, { id: `A-z_9${'x'.repeat(59)}` }), catalog, client).credentials[0]!.id.length, 64);
  });
});

describe('parse-dcql-query refuses, naming where (OpenID4VP §6)', () => {
  const cases: [string, unknown, string][] = [
    ['a query that is not an object', [], ''],
    ['no credentials', {}, '/credentials'],
    ['empty credentials', { credentials: [] }, '/credentials'],
    ['more than 8 credential queries', { credentials: Array.from({ length: 9 }, (_, i) => cred({ id: `c${i}` })) }, '/credentials'],
    ['a credential query that is not an object', { credentials: ['dl'] }, '/credentials/0'],
    ['a missing id', query({}, { id: undefined }), '/credentials/0/id'],
    ['an empty id', query({}, { id: '' }), '/credentials/0/id'],
    ['an id with other characters', query({}, { id: 'd.l' }), '/credentials/0/id'],
    ['an id over 64 characters', query({}, { id: 'x'.repeat(65) }), '/credentials/0/id'],
    ['the same id twice', { credentials: [cred(), cred()] }, '/credentials/1/id'],
    ['another format', query({}, { format: 'ldp_vc' }), '/credentials/0/format'],
    ['jwt_vc_json without meta.type_values', { credentials: [vcq({ meta: { vct_values: [vct] } })] }, '/credentials/0/meta'],
    [
      'jwt_vc_json with an empty type set',
      { credentials: [vcq({ meta: { type_values: [['DriverLicense'], []] } })] },
      '/credentials/0/meta',
    ],
    ['an mso_mdoc query with vct_values instead of doctype_value', query({}, { format: 'mso_mdoc' }), '/credentials/0/meta'],
    ['a missing format', query({}, { format: undefined }), '/credentials/0/format'],
    ['a missing meta', query({}, { meta: undefined }), '/credentials/0/meta'],
    ['empty vct_values', query({}, { meta: { vct_values: [] } }), '/credentials/0/meta'],
    ['a vct that is not a string', query({}, { meta: { vct_values: [1] } }), '/credentials/0/meta'],
    ['multiple that is not a boolean', query({}, { multiple: 'yes' }), '/credentials/0/multiple'],
    [
      'require_cryptographic_holder_binding that is not a boolean',
      query({}, { require_cryptographic_holder_binding: 0 }),
      '/credentials/0/require_cryptographic_holder_binding',
    ],
    ['empty claims', query({}, { claims: [] }), '/credentials/0/claims'],
    ['claims that are not an array', query({}, { claims: { path: ['a'] } }), '/credentials/0/claims'],
    ['more than 64 claims', query({}, { claims: Array.from({ length: 65 }, (_, i) => ({ path: [`c${i}`] })) }), '/credentials/0/claims'],
    ['a claim that is not an object', query({}, { claims: [['family_name']] }), '/credentials/0/claims/0'],
    ['a claim without path', query({}, { claims: [{ id: 'x' }] }), '/credentials/0/claims/0/path'],
    ['an empty path', query({}, { claims: [{ path: [] }] }), '/credentials/0/claims/0/path'],
    ['a dotted string as path', query({}, { claims: [{ path: 'address.locality' }] }), '/credentials/0/claims/0/path'],
    ['a negative index in a path', query({}, { claims: [{ path: ['nationalities', -1] }] }), '/credentials/0/claims/0/path'],
    ['a boolean in a path', query({}, { claims: [{ path: ['a', true] }] }), '/credentials/0/claims/0/path'],
    [
      'the same claim twice (§6.1)',
      query({}, { claims: [{ path: ['family_name'] }, { path: ['family_name'] }] }),
      '/credentials/0/claims/1/path',
    ],
    ['a claim id with other characters', query({}, { claims: [{ id: 'a b', path: ['a'] }] }), '/credentials/0/claims/0/id'],
    [
      'the same claim id twice',
      query(
        {},
        {
          claims: [
            { id: 'a', path: ['a'] },
            { id: 'a', path: ['b'] },
          ],
        },
      ),
      '/credentials/0/claims/1/id',
    ],
    ['empty values', query({}, { claims: [{ path: ['a'], values: [] }] }), '/credentials/0/claims/0/values'],
    ['values holding an object', query({}, { claims: [{ path: ['a'], values: [{}] }] }), '/credentials/0/claims/0/values'],
    ['values holding null', query({}, { claims: [{ path: ['a'], values: [null] }] }), '/credentials/0/claims/0/values'],
    [
      'values holding a fraction (§6.3: integers)',
      query({}, { claims: [{ path: ['a'], values: [1.5] }] }),
      '/credentials/0/claims/0/values',
    ],
    ['claim_sets without claims (§6.4.1)', query({}, { claim_sets: [['a']] }), '/credentials/0/claim_sets'],
    [
      'claim_sets naming an unknown claim id',
      query({}, { claims: [{ id: 'a', path: ['a'] }], claim_sets: [['b']] }),
      '/credentials/0/claim_sets',
    ],
    ['empty claim_sets', query({}, { claims: [{ id: 'a', path: ['a'] }], claim_sets: [] }), '/credentials/0/claim_sets'],
    ['an empty claim_sets option', query({}, { claims: [{ id: 'a', path: ['a'] }], claim_sets: [[]] }), '/credentials/0/claim_sets'],
    [
      'claim_sets while a claim has no id (§6.3)',
      query({}, { claims: [{ id: 'a', path: ['a'] }, { path: ['b'] }], claim_sets: [['a']] }),
      '/credentials/0/claims/1/id',
    ],
    ['empty credential_sets', query({ credential_sets: [] }), '/credential_sets'],
    ['credential_sets that are not an array', query({ credential_sets: { options: [['dl']] } }), '/credential_sets'],
    ['a credential set without options', query({ credential_sets: [{ required: true }] }), '/credential_sets/0'],
    ['empty options', query({ credential_sets: [{ options: [] }] }), '/credential_sets/0'],
    ['an empty option', query({ credential_sets: [{ options: [[]] }] }), '/credential_sets/0'],
    ['an option naming an unknown credential query', query({ credential_sets: [{ options: [['dl', 'passport']] }] }), '/credential_sets/0'],
    ['required that is not a boolean', query({ credential_sets: [{ options: [['dl']], required: 'no' }] }), '/credential_sets/0/required'],
  ];
  for (const [what, raw, pointer] of cases) it(what, () => refuses(raw, pointer));

  it('jwt_vc_json (Annex B.1): holder binding must be turned off; type_values limited to the client types', () => {
    refuses({ credentials: [vcq({ require_cryptographic_holder_binding: true })] }, '', 'dcql_holder_binding_unavailable');
    refuses({ credentials: [vcq({ require_cryptographic_holder_binding: undefined })] }, '', 'dcql_holder_binding_unavailable');
    refuses({ credentials: [vcq({ meta: { type_values: [['ResidentId']] } })] }, '', 'type_not_allowed', {
      ...client,
      types: ['driver-license'],
    });
    const q = parseDcqlQuery({ credentials: [vcq({ claims: [{ path: ['credentialSubject', 'family_name'] }] })] }, catalog, {
      ...client,
      types: ['driver-license'],
    });
    const c = q.credentials[0]!;
    assert.deepEqual(c.typeValues, [['VerifiableCredential', 'DriverLicense']]);
    assert.deepEqual(policyForQuery(c), {
      formats: ['vc+jwt'],
      requireHolderBinding: false,
      claims: [['credentialSubject', 'family_name']],
      typeValues: [['VerifiableCredential', 'DriverLicense']],
    });
  });

  it('a type the verifier client may not ask for (type_not_allowed)', () => {
    refuses(query({}, { meta: { vct_values: [otherVct] } }), '', 'type_not_allowed', { ...client, types: ['driver-license'] });
    refuses(query({}, { meta: { vct_values: ['https://elsewhere.example/vct/unknown'] } }), '', 'type_not_allowed', {
      ...client,
      types: ['driver-license'],
    });
    assert.equal(parseDcqlQuery(query(), catalog, { ...client, types: ['driver-license'] }).credentials.length, 1);
  });
});

describe('credential_sets: which returned credential queries are enough (§6.4.2)', () => {
  const two = (extra: Obj = {}): DcqlQuery => parseDcqlQuery({ credentials: [cred(), cred({ id: 'id_card' })], ...extra }, catalog, client);
  const cases: [string, DcqlQuery, string[], boolean][] = [
    ['without credential_sets every query is required: all returned', two(), ['dl', 'id_card'], true],
    ['without credential_sets every query is required: one missing', two(), ['dl'], false],
    ['one option of a required set is enough', two({ credential_sets: [{ options: [['dl'], ['id_card']] }] }), ['id_card'], true],
    ['an option counts only when complete', two({ credential_sets: [{ options: [['dl', 'id_card']] }] }), ['dl'], false],
    [
      'an optional set may be left out',
      two({ credential_sets: [{ options: [['dl']] }, { options: [['id_card']], required: false }] }),
      ['dl'],
      true,
    ],
    [
      'a required set may not',
      two({ credential_sets: [{ options: [['dl']] }, { options: [['id_card']], required: true }] }),
      ['dl'],
      false,
    ],
    ['nothing returned satisfies no required set', two({ credential_sets: [{ options: [['dl'], ['id_card']] }] }), [], false],
  ];
  for (const [what, q, returned, ok] of cases) it(what, () => assert.equal(satisfiesCredentialSets(q, new Set(returned)), ok));
});

describe('the verification policy of one credential query', () => {
  it('carries pointers, values by position and claim_sets as indexes', () => {
    const q = parseDcqlQuery(
      query(
        {},
        {
          claims: [
            { id: 'a', path: ['age_over_19'], values: [true] },
            { id: 'b', path: ['birth_date'] },
          ],
          claim_sets: [['a'], ['b']],
          require_cryptographic_holder_binding: false,
        },
      ),
      catalog,
      client,
    ).credentials[0]!;
    assert.deepEqual(policyForQuery(q), {
      types: [vct],
      formats: ['dc+sd-jwt'],
      requireHolderBinding: false,
      claims: [['age_over_19'], ['birth_date']],
      claimValues: [[true], undefined],
      claimSets: [[0], [1]],
    });
  });

  it('has no claimValues or claimSets when the query has none', () => {
    const q = parseDcqlQuery(query({}, { claims: [{ path: ['family_name'] }] }), catalog, client).credentials[0]!;
    assert.deepEqual(policyForQuery(q), { types: [vct], formats: ['dc+sd-jwt'], requireHolderBinding: true, claims: [['family_name']] });
  });
});
