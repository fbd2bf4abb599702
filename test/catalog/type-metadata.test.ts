import { test } from 'vitest';
import assert from 'node:assert/strict';
import { buildTypeMetadata, type ClaimMetadata } from '../../src/catalog/type-metadata.js';
import { parseClaimPath } from '../../src/catalog/list-claim-paths.js';
import { PUBLIC_URL, shippedCatalog, shippedType } from './temp-catalog.js';

const find = (claims: ClaimMetadata[], path: (string | null)[]) => claims.find((c) => JSON.stringify(c.path) === JSON.stringify(path));

test('claim paths turn into SD-JWT VC path arrays with null for every array element', () => {
  assert.deepEqual(parseClaimPath('family_name'), ['family_name']);
  assert.deepEqual(parseClaimPath('address.street_address'), ['address', 'street_address']);
  assert.deepEqual(parseClaimPath('driving_privileges[]'), ['driving_privileges', null]);
  assert.deepEqual(parseClaimPath('driving_privileges[].issue_date'), ['driving_privileges', null, 'issue_date']);
  assert.deepEqual(parseClaimPath('grid[][]'), ['grid', null, null]);
  assert.throws(() => parseClaimPath('a..b'), TypeError);
});

test('type metadata names the absolute vct and has ko-KR and en-US display entries', async () => {
  const md = buildTypeMetadata(await shippedType('driver-license'));
  assert.equal(md.vct, `${PUBLIC_URL}/vct/driver-license/v1`);
  assert.equal(md.name, 'Mobile driving licence');
  assert.deepEqual(
    md.display.map((d) => d.locale),
    ['ko-KR', 'en-US'],
  );
  assert.equal(md.display[0]?.name, '모바일 운전면허증');
  assert.ok(md.display.every((d) => d.description.length > 0));
});

test('type metadata embeds no JSON Schema (the draft removed schema and schema_uri)', async () => {
  const md = buildTypeMetadata(await shippedType('driver-license')) as unknown as Record<string, unknown>;
  assert.equal(md.schema, undefined);
  assert.equal(md.schema_uri, undefined);
});

test('driving privileges are disclosable per element, their members labelled but not disclosable on their own', async () => {
  const { claims } = buildTypeMetadata(await shippedType('driver-license'));
  assert.equal(find(claims, ['driving_privileges'])?.sd, 'always');
  assert.equal(find(claims, ['driving_privileges', null])?.sd, 'always');
  const code = find(claims, ['driving_privileges', null, 'vehicle_category_code']);
  assert.equal(code?.sd, 'never');
  assert.deepEqual(code?.display, [
    { locale: 'ko-KR', label: '차종 코드' },
    { locale: 'en-US', label: 'Vehicle category' },
  ]);
  assert.equal(code?.mandatory, undefined, 'a member inside an array is not mandatory for the whole credential');
});

test('plain claims are sd never, required ones mandatory, and derived claims sd always', async () => {
  const { claims } = buildTypeMetadata(await shippedType('driver-license'));
  assert.deepEqual(find(claims, ['issuing_country']), {
    path: ['issuing_country'],
    display: [
      { locale: 'ko-KR', label: '발급국가' },
      { locale: 'en-US', label: 'Issuing country' },
    ],
    mandatory: true,
    sd: 'never',
  });
  assert.equal(find(claims, ['family_name'])?.sd, 'always');
  assert.equal(find(claims, ['age_over_19'])?.sd, 'always');
  assert.equal(find(claims, ['age_over_65'])?.mandatory, true);
  assert.equal(find(claims, ['age_over_14']), undefined);
});

test('an address is disclosed member by member while the object itself stays visible', async () => {
  const { claims } = buildTypeMetadata(await shippedType('resident-id'));
  assert.equal(find(claims, ['address'])?.sd, 'never');
  for (const m of ['street_address', 'locality', 'region', 'postal_code', 'country']) {
    assert.equal(find(claims, ['address', m])?.sd, 'always', m);
  }
  assert.equal(find(claims, ['address', 'street_address'])?.mandatory, true);
  assert.equal(find(claims, ['address', 'postal_code'])?.mandatory, undefined);
});

test('every type has well-formed claim metadata: non-empty paths, labels in both locales, one entry per path', async () => {
  for (const type of (await shippedCatalog()).types) {
    const md = buildTypeMetadata(type);
    const seen = new Set<string>();
    for (const c of md.claims) {
      assert.ok(c.path.length > 0 && c.path.every((p) => p === null || typeof p === 'string'), type.id);
      assert.ok(['always', 'never'].includes(c.sd));
      const key = JSON.stringify(c.path);
      assert.ok(!seen.has(key), `${type.id} ${key} twice`);
      seen.add(key);
      if (c.path.at(-1) !== null)
        assert.deepEqual(
          c.display?.map((d) => d.locale),
          ['ko-KR', 'en-US'],
          `${type.id} ${key}`,
        );
    }
    assert.deepEqual(JSON.parse(JSON.stringify(md)), md);
  }
});
