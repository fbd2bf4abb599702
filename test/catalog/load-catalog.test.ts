import { test } from 'vitest';
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { validateClaims } from '../../src/catalog/validate-claims.js';
import { CatalogError, type CatalogLoadErrorCode } from '../../src/catalog/error-codes.js';
import { PUBLIC_URL, minimalType, shippedCatalog, writeCatalog, type TestTypeFile } from './temp-catalog.js';

const REQUIRED_IDS = [
  'civil-servant-id',
  'driver-license',
  'resident-id',
  'foreign-resident-id',
  'resident-registration-copy',
  'resident-registration-abstract',
  'local-tax-payment',
  'national-tax-payment',
  'family-relations',
  'entry-exit-record',
  'health-insurance-eligibility',
  'vaccination-record',
  'disability-eligibility',
  'veteran-eligibility',
  'driving-record',
  'building-register',
];

test('every shipped type file loads and its example passes validateClaims unchanged', async () => {
  const catalog = await shippedCatalog();
  assert.ok(catalog.types.length >= 16);
  for (const type of catalog.types) {
    assert.deepEqual(validateClaims(type, type.example), type.example, type.id);
  }
});

test('each of the sixteen required credential types is in the catalogue', async () => {
  const catalog = await shippedCatalog();
  for (const id of REQUIRED_IDS) assert.ok(catalog.get(id), `missing ${id}`);
});

test('types are sorted by id and found by id and by absolute vct', async () => {
  const catalog = await shippedCatalog();
  const ids = catalog.types.map((t) => t.id);
  assert.deepEqual(ids, [...ids].sort());
  const dl = catalog.get('driver-license');
  assert.equal(dl?.vct, `${PUBLIC_URL}/vct/driver-license/v1`);
  assert.equal(dl?.vctPath, '/vct/driver-license/v1');
  assert.equal(catalog.getByVct(`${PUBLIC_URL}/vct/driver-license/v1`), dl);
  assert.equal(catalog.get('no-such-type'), undefined);
});

test('person-bound types carry name and birth date, and no claim resembles a resident registration number', async () => {
  for (const type of (await shippedCatalog()).types) {
    const props = type.claimsSchema.properties;
    if (type.personBound) {
      for (const name of ['family_name', 'given_name', 'birth_date'])
        assert.ok(type.claimsSchema.required.includes(name), `${type.id} ${name}`);
      assert.equal(props.birth_date?.format, 'date');
    }
    assert.doesNotMatch(JSON.stringify(type.example), /\d{6}-?[1-8]\d{6}/, type.id);
  }
  assert.equal((await shippedCatalog()).get('building-register')?.personBound, false);
});

test('example names are NFC Hangul and derived ages in the examples cover 19 and over 65', async () => {
  const catalog = await shippedCatalog();
  for (const type of catalog.types) {
    const name = type.example.family_name;
    if (typeof name === 'string') assert.equal(name, name.normalize('NFC'));
  }
  assert.equal(catalog.get('resident-id')?.example.birth_date, '2007-12-31');
  assert.equal(catalog.get('driver-license')?.example.birth_date, '1959-05-20');
});

test('driver-license follows ISO/IEC 18013-5 names and discloses each driving privilege separately', async () => {
  const dl = (await shippedCatalog()).get('driver-license');
  assert.ok(dl);
  for (const name of [
    'family_name',
    'given_name',
    'birth_date',
    'issue_date',
    'expiry_date',
    'issuing_country',
    'issuing_authority',
    'document_number',
    'portrait',
    'driving_privileges',
    'un_distinguishing_sign',
  ]) {
    assert.ok(dl.claimsSchema.properties[name], name);
  }
  assert.equal(dl.example.issuing_country, 'KR');
  assert.equal(dl.example.un_distinguishing_sign, 'ROK');
  assert.ok(dl.selectivelyDisclosable.includes('driving_privileges[]'));
  assert.ok(dl.formats.includes('mso_mdoc'));
});

test('a derived claim is selectively disclosable even when the file does not list it', async () => {
  const rid = (await shippedCatalog()).get('resident-id');
  assert.ok(rid);
  for (const d of rid.derivedClaims) assert.ok(rid.selectivelyDisclosable.includes(d), d);
  assert.ok(rid.selectivelyDisclosable.includes('address.street_address'));
});

test('a trailing slash on PUBLIC_URL does not double the slash of the vct', async () => {
  const dir = writeCatalog({ 'test-card.json': minimalType() });
  const catalog = await loadCatalog({ dir, publicUrl: 'https://proof.example.kr/base/' });
  assert.equal(catalog.get('test-card')?.vct, 'https://proof.example.kr/base/vct/test-card/v1');
});

/** Loads a folder that must fail, and checks code, file and JSON pointer (in the error and its message). */
async function assertBoot(files: Record<string, unknown>, code: CatalogLoadErrorCode, file: string, pointer: string) {
  const dir = writeCatalog(files);
  await assert.rejects(loadCatalog({ dir, publicUrl: PUBLIC_URL }), (e: unknown) => {
    assert.ok(e instanceof CatalogError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(basename(e.file), file, e.message);
    assert.equal(e.pointer, pointer, e.message);
    assert.ok(e.message.includes(join(dir, file)), e.message);
    if (pointer !== '') assert.ok(e.message.includes(pointer), e.message);
    return true;
  });
}

const broken = (edit: (t: TestTypeFile) => void, id = 'test-card') => {
  const t = minimalType(id);
  edit(t);
  return { [`${id}.json`]: t };
};

test('a type file without vct stops the boot naming the file and /vct', () =>
  assertBoot(
    broken((t) => {
      delete t.vct;
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/vct',
  ));

test('a vct that is not a versioned /vct/ path is refused', () =>
  assertBoot(
    broken((t) => {
      t.vct = 'https://elsewhere.example/vct/x';
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/vct',
  ));

test('an id that is not kebab-case is refused', () =>
  assertBoot({ 'Bad_Id.json': { ...minimalType(), id: 'Bad_Id' } }, 'catalog_schema_violation', 'Bad_Id.json', '/id'));

test('an id that differs from the file name is refused', () =>
  assertBoot({ 'other-name.json': minimalType('test-card') }, 'catalog_id_mismatch', 'other-name.json', '/id'));

test('two files with one id are refused, naming the second file', () =>
  assertBoot({ 'a-card.json': minimalType('a-card'), 'b-card.json': minimalType('a-card') }, 'catalog_duplicate_id', 'b-card.json', '/id'));

test('two types with one vct are refused', () =>
  assertBoot(
    { 'a-card.json': minimalType('a-card'), 'b-card.json': { ...minimalType('b-card'), vct: '/vct/a-card/v1' } },
    'catalog_duplicate_vct',
    'b-card.json',
    '/vct',
  ));

test('a disclosable path that is not in the claims schema is refused', () =>
  assertBoot(
    broken((t) => {
      t.selectively_disclosable.push('address.street_address');
    }),
    'catalog_unknown_path',
    'test-card.json',
    '/selectively_disclosable/3',
  ));

test('a disclosable derived claim the type does not derive is refused', () =>
  assertBoot(
    broken((t) => {
      t.selectively_disclosable.push('age_over_65');
    }),
    'catalog_unknown_path',
    'test-card.json',
    '/selectively_disclosable/3',
  ));

test('a label for a claim that does not exist is refused', () =>
  assertBoot(
    broken((t) => {
      t.claim_display['nick/name'] = { ko: '별명', en: 'Nickname' };
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claim_display/nick~1name',
  ));

test('a label key that is a well-formed path but names no claim is refused', () =>
  assertBoot(
    broken((t) => {
      t.claim_display.nickname = { ko: '별명', en: 'Nickname' };
    }),
    'catalog_unknown_path',
    'test-card.json',
    '/claim_display/nickname',
  ));

test('a claim description for a claim that does not exist is refused', () =>
  assertBoot(
    broken((t) => {
      t.claim_descriptions = { nickname: { ko: '부르는 이름입니다.', en: 'The name the holder goes by.' } };
    }),
    'catalog_unknown_path',
    'test-card.json',
    '/claim_descriptions/nickname',
  ));

test('a claim description in one language only is refused', () =>
  assertBoot(
    broken((t) => {
      t.claim_descriptions = { remarks: { en: 'Free text.' } };
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claim_descriptions/remarks/ko',
  ));

test('a claim without a label is refused', () =>
  assertBoot(
    broken((t) => {
      delete t.claim_display.remarks;
    }),
    'catalog_missing_label',
    'test-card.json',
    '/claim_display',
  ));

test('a derived claim without its label is refused', () =>
  assertBoot(
    broken((t) => {
      delete t.claim_display.age_over_19;
    }),
    'catalog_missing_label',
    'test-card.json',
    '/claim_display',
  ));

test('an example that breaks the claims schema is refused with a pointer into the example', () =>
  assertBoot(
    broken((t) => {
      t.example.birth_date = '2001-02-29';
    }),
    'catalog_invalid_example',
    'test-card.json',
    '/example/birth_date',
  ));

test('an example missing a required claim points at that claim', () =>
  assertBoot(
    broken((t) => {
      delete t.example.given_name;
    }),
    'catalog_invalid_example',
    'test-card.json',
    '/example/given_name',
  ));

test('an example in NFD Hangul is refused', () =>
  assertBoot(
    broken((t) => {
      t.example.remarks = '홍길동'.normalize('NFD');
    }),
    'catalog_invalid_example',
    'test-card.json',
    '/example',
  ));

test('a claim named like a resident registration number is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.resident_registration_number = { type: 'string', pattern: '^[0-9]{13}$', maxLength: 13 };
      t.claim_display.resident_registration_number = { ko: '주민등록번호', en: 'RRN' };
    }),
    'catalog_rrn_claim',
    'test-card.json',
    '/claims_schema/properties/resident_registration_number',
  ));

test('a nested claim named jumin_no is refused with the pointer to its schema', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.holder = {
        type: 'array',
        maxItems: 2,
        items: { type: 'object', additionalProperties: false, properties: { jumin_no: { type: 'string', maxLength: 14 } } },
      };
      t.claim_display.holder = { ko: '소지자', en: 'Holder' };
      t.claim_display['holder[].jumin_no'] = { ko: '주민번호', en: 'RRN' };
    }),
    'catalog_rrn_claim',
    'test-card.json',
    '/claims_schema/properties/holder/items/properties/jumin_no',
  ));

test('an example value shaped like a resident registration number is refused', () =>
  assertBoot(
    broken((t) => {
      t.example.remarks = '본인 900101-1234567 확인';
    }),
    'catalog_rrn_claim',
    'test-card.json',
    '/example/remarks',
  ));

test('a string claim without maxLength is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.remarks = { type: 'string' };
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claims_schema/properties/remarks/maxLength',
  ));

test('an array claim without maxItems is refused, also inside another array', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.remarks = {
        type: 'array',
        maxItems: 3,
        items: { type: 'array', items: { type: 'string', maxLength: 3 } },
      };
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claims_schema/properties/remarks/items/maxItems',
  ));

test('a claims schema that allows extra members is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.additionalProperties = true;
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claims_schema/additionalProperties',
  ));

test('a claims schema that declares a derived claim is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.age_over_19 = { type: 'boolean' };
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/claims_schema/properties/age_over_19',
  ));

test('a required claim missing from properties fails to compile', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.required.push('nickname');
    }),
    'catalog_invalid_claims_schema',
    'test-card.json',
    '/claims_schema',
  ));

test('derived claims on a type that is not person-bound are refused', () =>
  assertBoot(
    broken((t) => {
      t.person_bound = false;
    }),
    'catalog_schema_violation',
    'test-card.json',
    '/derived_claims',
  ));

test('a person-bound type whose birth_date is not a date is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.properties.birth_date = { type: 'string', maxLength: 10 };
    }),
    'catalog_person_claims_missing',
    'test-card.json',
    '/claims_schema/properties/birth_date',
  ));

test('a person-bound type without a required birth_date is refused', () =>
  assertBoot(
    broken((t) => {
      t.claims_schema.required = ['family_name', 'given_name'];
    }),
    'catalog_person_claims_missing',
    'test-card.json',
    '/claims_schema/required',
  ));

test('a default validity longer than the maximum is refused', () =>
  assertBoot(
    broken((t) => {
      t.validity = { default_days: 100, max_days: 90 };
    }),
    'catalog_invalid_validity',
    'test-card.json',
    '/validity/default_days',
  ));

test('a file that is not JSON is refused', () => assertBoot({ 'test-card.json': '{ "id": ' }, 'catalog_unreadable', 'test-card.json', ''));

test('a folder without type files is refused', async () => {
  const dir = writeCatalog({ 'README.md': 'not a type' });
  await assert.rejects(loadCatalog({ dir, publicUrl: PUBLIC_URL }), { code: 'catalog_empty' });
});

test('a PUBLIC_URL that is not absolute http(s) is refused', async () => {
  const dir = writeCatalog({ 'test-card.json': minimalType() });
  await assert.rejects(loadCatalog({ dir, publicUrl: 'ftp://proof.example.kr' }), { code: 'catalog_bad_public_url' });
  await assert.rejects(loadCatalog({ dir, publicUrl: '/relative' }), { code: 'catalog_bad_public_url' });
});
