import { test } from 'vitest';
import assert from 'node:assert/strict';
import { issueSdJwt } from '../../../src/formats/sd-jwt/issue-sd-jwt.js';
import { presentSdJwt } from '../../../src/formats/sd-jwt/present-sd-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { code, jwtPayload, newSigner } from '../helpers.js';

const { signer } = await newSigner();
const claims: JsonObject = {
  sub: 'user-1',
  given_name: 'John',
  address: { street_address: 'Main St', locality: 'Anytown', country: 'US' },
  nationalities: ['US', 'DE'],
  driving_privileges: [
    { code: 'B', issue_date: '2020-01-01' },
    { code: 'C', issue_date: '2021-01-01' },
  ],
};
const { sdJwt } = await issueSdJwt({
  header: {},
  payload: claims,
  disclosable: [
    'given_name',
    'address',
    'address.street_address',
    'address.locality',
    'nationalities[]',
    'driving_privileges',
    'driving_privileges[]',
    'driving_privileges[].code',
  ],
  padTo: { '': 8, address: 4 },
  signer,
});

/** What a verifier would see for a presentation. */
const seen = (presentation: string) => {
  const parts = parseSdJwt(presentation);
  return processDisclosures(jwtPayload(parts.jwt), parts.disclosures).claims;
};

test('discloses nothing selectively disclosable when asked for nothing', () => {
  const p = presentSdJwt(sdJwt, { disclose: [] });
  assert.ok(p.endsWith('~'));
  assert.deepEqual(seen(p), { sub: 'user-1', nationalities: [] });
});

test('discloses a nested claim together with the parent it is hidden in', () => {
  const p = presentSdJwt(sdJwt, { disclose: ['address.street_address'] });
  assert.deepEqual(seen(p), { sub: 'user-1', nationalities: [], address: { street_address: 'Main St', country: 'US' } });
});

test('discloses a whole claim, including its selectively disclosable children, when the parent is named', () => {
  assert.deepEqual(seen(presentSdJwt(sdJwt, { disclose: ['address'] })).address, claims.address);
  assert.deepEqual(seen(presentSdJwt(sdJwt, { disclose: ['driving_privileges'] })).driving_privileges, claims.driving_privileges);
});

test('discloses array elements, and members inside array elements', async () => {
  assert.deepEqual(seen(presentSdJwt(sdJwt, { disclose: ['nationalities[]'] })).nationalities, ['US', 'DE']);
  assert.deepEqual(seen(presentSdJwt(sdJwt, { disclose: ['driving_privileges[].code'] })).driving_privileges, claims.driving_privileges);
  // Only the elements' plain members, without the selectively disclosable `code`:
  const { sdJwt: flat } = await issueSdJwt({ header: {}, payload: claims, disclosable: ['driving_privileges[].code'], signer });
  assert.deepEqual(seen(presentSdJwt(flat, { disclose: ['driving_privileges[].issue_date'] })).driving_privileges, [
    { issue_date: '2020-01-01' },
    { issue_date: '2021-01-01' },
  ]);
  // Naming the elements names everything inside them too.
  assert.deepEqual(seen(presentSdJwt(sdJwt, { disclose: ['driving_privileges[]'] })).driving_privileges, claims.driving_privileges);
});

test('keeps the issued order of disclosures and ignores claims the credential lacks', () => {
  const issued = parseSdJwt(sdJwt).disclosures;
  const chosen = parseSdJwt(presentSdJwt(sdJwt, { disclose: ['nationalities[]', 'given_name', 'email'] })).disclosures;
  assert.deepEqual(
    chosen,
    issued.filter((d) => chosen.includes(d)),
  );
  assert.equal(chosen.length, 3);
});

test('rejects an SD-JWT+KB given to the holder as if it were an SD-JWT', () => {
  assert.throws(() => presentSdJwt(`${sdJwt}${parseSdJwt(sdJwt).jwt}`, { disclose: [] }), code('sd_jwt_unexpected_kb'));
});

test('rejects an SD-JWT whose disclosures do not process cleanly', () => {
  const d = parseSdJwt(sdJwt).disclosures[0]!;
  assert.throws(() => presentSdJwt(`${sdJwt}${d}~`, { disclose: [] }), code('sd_jwt_duplicate_disclosure'));
});
