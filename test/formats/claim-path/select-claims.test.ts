import { it } from 'vitest';
import assert from 'node:assert/strict';
import { selectClaims } from '../../../src/formats/claim-path/select-claims.js';
import { toClaimPathName as pointerToString } from '../../../src/formats/claim-path/claim-path-name.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';

const claims: JsonObject = {
  family_name: '김',
  address: { locality: '서울', region: '서울특별시', postal_code: '04524' },
  driving_privileges: [{ vehicle_category_code: 'B', national_category: '2종보통' }, { vehicle_category_code: 'A' }],
};

it('keeps only the claims the pointers select, in the shape of the credential (OpenID4VP §7)', () => {
  const { claims: out, missing } = selectClaims(claims, [
    ['address', 'locality'],
    ['driving_privileges', null, 'vehicle_category_code'],
    ['family_name'],
  ]);
  assert.deepEqual(out, {
    address: { locality: '서울' },
    driving_privileges: [{ vehicle_category_code: 'B' }, { vehicle_category_code: 'A' }],
    family_name: '김',
  });
  assert.deepEqual(missing, []);
});

it('merges two pointers into the same array elements and drops elements that lack the claim', () => {
  const { claims: out } = selectClaims(claims, [
    ['driving_privileges', null, 'national_category'],
    ['driving_privileges', 0, 'vehicle_category_code'],
  ]);
  assert.deepEqual(out, { driving_privileges: [{ national_category: '2종보통', vehicle_category_code: 'B' }] });
});

it('reports a pointer that selects nothing as missing', () => {
  const { missing } = selectClaims(claims, [
    ['birth_date'],
    ['address', 'street_address'],
    ['family_name', 'x'],
    ['driving_privileges', 5],
  ]);
  assert.equal(missing.length, 4);
});

it('names pointers for receipts', () => {
  assert.equal(pointerToString(['address', 'locality']), 'address.locality');
  assert.equal(pointerToString(['driving_privileges', null, 'vehicle_category_code']), 'driving_privileges[].vehicle_category_code');
});

it('keeps a member named __proto__ as a member when it selects one (assignment would set the prototype and drop it)', () => {
  const source = JSON.parse('{"__proto__": {"polluted": "yes", "other": 1}, "a": 1}') as JsonObject;
  const { claims, missing } = selectClaims(source, [['__proto__', 'polluted'], ['a']]);
  assert.deepEqual(missing, []);
  assert.ok(Object.hasOwn(claims, '__proto__'));
  assert.equal(JSON.stringify(claims), '{"__proto__":{"polluted":"yes"},"a":1}');
  assert.equal(Object.getPrototypeOf(claims), Object.prototype);
});
