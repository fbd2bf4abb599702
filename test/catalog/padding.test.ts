import { test } from 'vitest';
import assert from 'node:assert/strict';
import { digestPadding, paddedDigestCount } from '../../src/catalog/padding.js';
import { shippedCatalog, shippedType } from './temp-catalog.js';

test('the padded digest count rounds up to a multiple of 4 and adds 2', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 8, 9, 12, 13].map(paddedDigestCount), [6, 6, 6, 6, 10, 10, 14, 14, 18]);
});

test('resident-id pads the root (5 disclosable claims + 3 derived) and the address (5 members)', async () => {
  assert.deepEqual(digestPadding(await shippedType('resident-id')), { '': 10, address: 10 });
});

test('driver-license counts its 8 disclosable root claims and 2 derived claims, not the array elements', async () => {
  assert.deepEqual(digestPadding(await shippedType('driver-license')), { '': 14 });
});

test('a disclosable member inside array elements pads each element object', async () => {
  // health-insurance-eligibility: 5 disclosable root claims; workplace_name is disclosable inside each history entry.
  assert.deepEqual(digestPadding(await shippedType('health-insurance-eligibility')), { '': 10, 'eligibility_history[]': 6 });
});

test('every object with disclosable members gets a padded count above its member count', async () => {
  for (const type of (await shippedCatalog()).types) {
    for (const [path, count] of Object.entries(digestPadding(type))) {
      assert.equal((count - 2) % 4, 0, `${type.id} ${path}`);
      const members = type.selectivelyDisclosable.filter(
        (p) => !p.endsWith('[]') && (p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') === path,
      );
      assert.ok(count >= members.length + 2, `${type.id} ${path}`);
    }
  }
});
