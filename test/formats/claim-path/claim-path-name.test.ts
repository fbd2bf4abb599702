import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { parseClaimPathName, toCatalogClaimName, toClaimPathName } from '../../../src/formats/claim-path/claim-path-name.js';
import type { ClaimPathPointer } from '../../../src/formats/claim-path/claim-path-pointer.js';

describe('dotted claim names', () => {
  const pairs: [ClaimPathPointer, string][] = [
    [['family_name'], 'family_name'],
    [['address', 'locality'], 'address.locality'],
    [['nationalities', null], 'nationalities[]'],
    [['nationalities', 1], 'nationalities[1]'],
    [['driving_privileges', null, 'vehicle_category_code'], 'driving_privileges[].vehicle_category_code'],
    [['driving_privileges', 0, 'vehicle_category_code'], 'driving_privileges[0].vehicle_category_code'],
    [['grid', null, 3], 'grid[][3]'],
    [['이름'], '이름'],
  ];
  for (const [pointer, name] of pairs) {
    it(`writes ${JSON.stringify(pointer)} as ${name} and reads it back`, () => {
      assert.equal(toClaimPathName(pointer), name);
      assert.deepEqual(parseClaimPathName(name), pointer);
    });
  }

  it('names every element alike for catalogue labels', () => {
    assert.equal(toCatalogClaimName(['driving_privileges', 0, 'vehicle_category_code']), 'driving_privileges[].vehicle_category_code');
    assert.equal(toCatalogClaimName(['nationalities', 1]), 'nationalities[]');
  });

  for (const bad of [
    '',
    'a..b',
    '.a',
    'a.',
    'a[',
    'a]',
    'a[x]',
    'a[-1]',
    'a[01]',
    '[0]',
    'a[]b',
    'a.[0]',
    `${'a.'.repeat(16)}a`,
    'x'.repeat(101),
  ]) {
    it(`refuses ${JSON.stringify(bad.slice(0, 40))}`, () => assert.equal(parseClaimPathName(bad), undefined));
  }
});
