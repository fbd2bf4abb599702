/**
 * The mdoc block of a type file (ISO/IEC 18013-5 `mso_mdoc`): the four mobile IDs declare their
 * docType and namespaces next to their `vct`, and the loader refuses a block that does not match
 * the type's claims or formats.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { CatalogError, type CatalogLoadErrorCode } from '../../src/catalog/error-codes.js';
import { PUBLIC_URL, minimalType, shippedCatalog, writeCatalog, type TestTypeFile } from './temp-catalog.js';

const MOBILE_IDS = {
  'driver-license': 'org.iso.18013.5.1.mDL',
  'resident-id': 'kr.go.mois.resident_id.1',
  'civil-servant-id': 'kr.go.mpm.civil_servant_id.1',
  'foreign-resident-id': 'kr.go.moj.foreign_resident_id.1',
} as const;

test('the four mobile IDs are issued as mso_mdoc with their doctypes, every claim in exactly one namespace', async () => {
  const catalog = await shippedCatalog();
  for (const [id, doctype] of Object.entries(MOBILE_IDS)) {
    const type = catalog.get(id)!;
    assert.ok(type.formats.includes('mso_mdoc'), id);
    assert.equal(type.mdoc?.doctype, doctype, id);
    const elements = Object.values(type.mdoc!.namespaces).flat();
    const claims = [...Object.keys(type.claimsSchema.properties), ...type.derivedClaims];
    assert.deepEqual([...elements].sort(), [...claims].sort(), id);
    assert.match(type.mdoc!.naming.en, /reverse domain|ISO/, id);
  }
  // Only the mobile IDs are mdoc types.
  for (const type of catalog.types) assert.equal(type.mdoc !== undefined, type.id in MOBILE_IDS, type.id);
});

test('the driving licence uses the ISO mDL namespace and element names; the Korean-rule age_over_19 sits in the KNPA namespace', async () => {
  const dl = (await shippedCatalog()).get('driver-license')!;
  const iso = dl.mdoc!.namespaces['org.iso.18013.5.1']!;
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
    'age_over_65',
  ]) {
    assert.ok(iso.includes(name), name);
  }
  assert.deepEqual(dl.mdoc!.namespaces['kr.go.knpa.mdl.1'], ['age_over_19']);
});

async function assertBoot(t: TestTypeFile, code: CatalogLoadErrorCode, pointer: string) {
  const dir = writeCatalog({ 'test-card.json': t });
  await assert.rejects(loadCatalog({ dir, publicUrl: PUBLIC_URL }), (e: unknown) => {
    assert.ok(e instanceof CatalogError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(basename(e.file), 'test-card.json');
    assert.equal(e.pointer, pointer, e.message);
    return true;
  });
}

const naming = { ko: '시험용 역도메인입니다.', en: 'A test reverse domain.' };
const mdocType = (namespaces: Record<string, string[]>): TestTypeFile => ({
  ...minimalType(),
  formats: ['dc+sd-jwt', 'mso_mdoc'],
  mdoc: { doctype: 'kr.go.test.card.1', namespaces, naming },
});
const ALL = ['family_name', 'given_name', 'birth_date', 'remarks', 'age_over_19'];

test('a well-formed mdoc block loads', async () => {
  const dir = writeCatalog({ 'test-card.json': mdocType({ 'kr.go.test.card.1': ALL }) });
  const type = (await loadCatalog({ dir, publicUrl: PUBLIC_URL })).get('test-card')!;
  assert.equal(type.mdoc?.doctype, 'kr.go.test.card.1');
});

test('mso_mdoc without an mdoc block is refused', () =>
  assertBoot({ ...minimalType(), formats: ['dc+sd-jwt', 'mso_mdoc'] }, 'catalog_mdoc_layout', '/mdoc'));

test('an mdoc block on a type not issued as mso_mdoc is refused', () =>
  assertBoot({ ...mdocType({ 'kr.go.test.card.1': ALL }), formats: ['dc+sd-jwt'] }, 'catalog_mdoc_layout', '/mdoc'));

test('an element that is no claim of the type is refused, naming it', () =>
  assertBoot(mdocType({ 'kr.go.test.card.1': [...ALL, 'nickname'] }), 'catalog_mdoc_layout', '/mdoc/namespaces/kr.go.test.card.1/5'));

test('a claim in two namespaces is refused', () =>
  assertBoot(
    mdocType({ 'kr.go.test.card.1': ALL, 'kr.go.test.extra.1': ['remarks'] }),
    'catalog_mdoc_layout',
    '/mdoc/namespaces/kr.go.test.extra.1/0',
  ));

test('a claim in no namespace is refused', () =>
  assertBoot(mdocType({ 'kr.go.test.card.1': ALL.slice(0, 4) }), 'catalog_mdoc_layout', '/mdoc/namespaces'));

test('a doctype that is not a reverse-domain identifier is refused by the meta-schema', () =>
  assertBoot(
    { ...mdocType({ 'kr.go.test.card.1': ALL }), mdoc: { doctype: 'Not A Doctype', namespaces: { 'kr.go.test.card.1': ALL }, naming } },
    'catalog_schema_violation',
    '/mdoc/doctype',
  ));
