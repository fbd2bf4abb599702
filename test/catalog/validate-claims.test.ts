import { test } from 'vitest';
import assert from 'node:assert/strict';
import { validateClaims } from '../../src/catalog/validate-claims.js';
import { AppError } from '../../src/errors.js';
import type { Claims } from '../../src/catalog/types.js';
import { shippedType } from './temp-catalog.js';

interface FieldError {
  pointer: string;
  message: string;
}

/** Runs validateClaims expecting a 400 with `code`; returns the field errors. */
function rejects(run: () => unknown, code: string): FieldError[] {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, 400);
    const errors = e.details?.errors as FieldError[];
    assert.ok(Array.isArray(errors) && errors.length > 0);
    return errors;
  }
  assert.fail('expected a rejection');
}

const pointers = (errors: FieldError[]) => errors.map((e) => e.pointer);
const copy = (c: Claims): Record<string, unknown> => structuredClone(c);

test('a missing required claim is reported at its own pointer, every one of them', async () => {
  const dl = await shippedType('driver-license');
  const claims = copy(dl.example);
  delete claims.family_name;
  delete claims.portrait;
  const errors = rejects(() => validateClaims(dl, claims), 'invalid_claims');
  assert.deepEqual(pointers(errors).sort(), ['/family_name', '/portrait']);
  assert.ok(errors.every((e) => e.message === 'is required'));
});

test('a date that does not exist is reported with a format error at its pointer', async () => {
  const dl = await shippedType('driver-license');
  const errors = rejects(() => validateClaims(dl, { ...copy(dl.example), birth_date: '2023-02-29' }), 'invalid_claims');
  assert.deepEqual(pointers(errors), ['/birth_date']);
  assert.match(errors[0]!.message, /date/);
});

test('an extra claim is refused with a pointer to the extra member', async () => {
  const dl = await shippedType('driver-license');
  const errors = rejects(() => validateClaims(dl, { ...copy(dl.example), nickname: '영수' }), 'invalid_claims');
  assert.deepEqual(pointers(errors), ['/nickname']);
});

test('errors inside arrays and nested objects point at the element member', async () => {
  const dl = await shippedType('driver-license');
  const claims = copy(dl.example) as { driving_privileges: Record<string, unknown>[] };
  claims.driving_privileges[1]!.vehicle_category_code = 'Z';
  claims.driving_privileges[0]!.colour = 'red';
  const errors = rejects(() => validateClaims(dl, claims), 'invalid_claims');
  assert.deepEqual(pointers(errors).sort(), ['/driving_privileges/0/colour', '/driving_privileges/1/vehicle_category_code']);

  const rid = await shippedType('resident-id');
  const withAddress = copy(rid.example) as { address: Record<string, unknown> };
  withAddress.address.postal_code = '1234';
  assert.deepEqual(pointers(rejects(() => validateClaims(rid, withAddress), 'invalid_claims')), ['/address/postal_code']);
});

test('a derived claim supplied by the caller is refused with its own code', async () => {
  const rid = await shippedType('resident-id');
  const errors = rejects(() => validateClaims(rid, { ...copy(rid.example), age_over_19: true }), 'derived_claim_supplied');
  assert.deepEqual(pointers(errors), ['/age_over_19']);
});

test('a derived claim is refused even on a type that does not derive it', async () => {
  const building = await shippedType('building-register');
  rejects(() => validateClaims(building, { ...copy(building.example), age_over_65: false }), 'derived_claim_supplied');
});

test('claims that are not an object are refused at the root pointer', async () => {
  const rid = await shippedType('resident-id');
  for (const bad of [null, [], 'claims', 42]) {
    assert.deepEqual(pointers(rejects(() => validateClaims(rid, bad), 'invalid_claims')), ['']);
  }
});

test('NFD Hangul is accepted and returned as NFC, in a fresh copy', async () => {
  const rid = await shippedType('resident-id');
  const sent = { ...copy(rid.example), family_name: '최'.normalize('NFD'), given_name: '서연'.normalize('NFD') };
  assert.notEqual(sent.given_name, '서연');
  const issued = validateClaims(rid, sent);
  assert.equal(issued.family_name, '최');
  assert.equal(issued.given_name, '서연');
  assert.notEqual(issued, sent);
});

test('zero-width and right-to-left characters in a name are refused', async () => {
  const rid = await shippedType('resident-id');
  for (const name of ['서\u200B연', '\u202E서연']) {
    assert.deepEqual(pointers(rejects(() => validateClaims(rid, { ...copy(rid.example), given_name: name }), 'invalid_claims')), [
      '/given_name',
    ]);
  }
});

test('a __proto__ member is refused as an extra claim and pollutes nothing', async () => {
  const rid = await shippedType('resident-id');
  const body = JSON.parse(`{"__proto__": {"polluted": true}, "family_name": "최"}`) as unknown;
  const errors = rejects(() => validateClaims(rid, body), 'invalid_claims');
  assert.ok(pointers(errors).includes('/__proto__'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a value shaped like a resident registration number is refused, even in free text', async () => {
  const building = await shippedType('building-register');
  const claims = copy(building.example) as { owners: Record<string, unknown>[] };
  claims.owners[1]!.name = '김도현 800412-1234567';
  const errors = rejects(() => validateClaims(building, claims), 'rrn_not_allowed');
  assert.deepEqual(pointers(errors), ['/owners/1/name']);
  assert.ok(!JSON.stringify(errors).includes('1234567'), 'the value is never echoed');
});

test('a portrait that is not a JPEG is refused', async () => {
  const rid = await shippedType('resident-id');
  const png = Buffer.from('\x89PNG\r\n\x1a\n' + 'x'.repeat(120)).toString('base64url');
  assert.deepEqual(pointers(rejects(() => validateClaims(rid, { ...copy(rid.example), portrait: png }), 'invalid_claims')), ['/portrait']);
});

test('a thousand extra members get a short answer', async () => {
  const rid = await shippedType('resident-id');
  const claims = copy(rid.example);
  for (let i = 0; i < 1000; i++) claims[`extra_${i}`] = i;
  assert.equal(rejects(() => validateClaims(rid, claims), 'invalid_claims').length, 20);
});

test('ten thousand levels of nesting are refused without a stack overflow', async () => {
  const rid = await shippedType('resident-id');
  let deep: unknown = 'x';
  for (let i = 0; i < 10_000; i++) deep = { a: deep };
  const errors = rejects(() => validateClaims(rid, { ...copy(rid.example), address: deep }), 'invalid_claims');
  assert.ok(errors[0]!.pointer.startsWith('/address/a/a'));
});

test('an oversized array is refused at the array', async () => {
  const copyType = await shippedType('resident-registration-copy');
  const claims = copy(copyType.example) as { household_members: unknown[] };
  claims.household_members = Array.from({ length: 31 }, () => claims.household_members[0]);
  assert.ok(pointers(rejects(() => validateClaims(copyType, claims), 'invalid_claims')).includes('/household_members'));
});

test('a value not in its pattern form is told what to enter there, from the type’s own claim description', async () => {
  const dr = await shippedType('driving-record');
  const claims = copy(dr.example) as Record<string, unknown> & { violations: Record<string, unknown>[] };
  claims.licence_number = '11-23';
  assert.ok(claims.violations.length > 0, 'the example has a violation to spoil');
  claims.violations[0]!.violation = 'x\u0007';
  const errors = rejects(() => validateClaims(dr, claims), 'invalid_claims') as (FieldError & { ko: string })[];
  const at = (pointer: string) => errors.find((e) => e.pointer === pointer);
  for (const [pointer, path] of [
    ['/licence_number', 'licence_number'],
    ['/violations/0/violation', 'violations[].violation'],
  ] as const) {
    const hint = dr.claimDescriptions[path];
    assert.ok(hint, path);
    assert.ok(at(pointer)?.message.endsWith(`: ${hint.en}`), JSON.stringify(at(pointer)));
    assert.equal(at(pointer)?.ko, `형식이 맞지 않습니다. ${hint.ko}`);
  }
  // Other keywords (a date's format) get no hint, though the claim has a description.
  const bare = rejects(() => validateClaims(dr, { ...copy(dr.example), birth_date: 'soon' }), 'invalid_claims') as (FieldError & {
    ko: string;
  })[];
  assert.equal(bare[0]?.pointer, '/birth_date');
  assert.ok(!bare[0]?.ko.includes(dr.claimDescriptions.birth_date?.ko ?? '\u0000'));
});
