import { test } from 'vitest';
import assert from 'node:assert/strict';
import { issueSdJwt } from '../../../src/formats/sd-jwt/issue-sd-jwt.js';
import { parseSdJwt } from '../../../src/formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import type { JsonObject, JsonValue } from '../../../src/formats/jose/types.js';
import { code, digestOf, jwtHeader, jwtPayload, newSigner, seededRandom, unb64json } from '../helpers.js';

const { signer } = await newSigner();

const claims: JsonObject = {
  iss: 'https://issuer.example',
  given_name: '길동',
  family_name: '홍',
  address: { street_address: '세종대로 110', locality: '서울', country: 'KR' },
  nationalities: ['KR', 'US'],
  driving_privileges: [
    { vehicle_category_code: '1종 보통', issue_date: '2020-01-01' },
    { vehicle_category_code: '2종 소형', issue_date: '2021-01-01' },
  ],
};
const disclosable = [
  'given_name',
  'family_name',
  'address',
  'address.street_address',
  'address.locality',
  'nationalities[]',
  'driving_privileges[]',
  'driving_privileges[].vehicle_category_code',
];

/** Every `_sd` array and every `{"...": d}` element in a payload or disclosure value. */
function collectDigests(v: JsonValue, sdArrays: string[][], arrayDigests: string[]): void {
  if (Array.isArray(v)) {
    for (const e of v) {
      if (e && typeof e === 'object' && !Array.isArray(e) && typeof e['...'] === 'string') arrayDigests.push(e['...']);
      else collectDigests(e, sdArrays, arrayDigests);
    }
  } else if (v && typeof v === 'object') {
    if (Array.isArray(v._sd)) sdArrays.push(v._sd as string[]);
    for (const [k, x] of Object.entries(v)) if (k !== '_sd') collectDigests(x, sdArrays, arrayDigests);
  }
}

test('issues an SD-JWT that ends with ~ and processes back to the original claims', async () => {
  const { sdJwt, disclosures } = await issueSdJwt({ header: { typ: 'example+sd-jwt' }, payload: claims, disclosable, signer });
  assert.ok(sdJwt.endsWith('~'));
  const parts = parseSdJwt(sdJwt);
  assert.deepEqual(parts.disclosures, disclosures);
  assert.equal(disclosures.length, 2 + 3 + 2 + 2 + 2);
  assert.equal(jwtHeader(parts.jwt).typ, 'example+sd-jwt');
  const payload = jwtPayload(parts.jwt);
  assert.equal(payload._sd_alg, 'sha-256');
  assert.equal(payload.given_name, undefined);
  assert.equal(payload.iss, claims.iss);
  assert.deepEqual(processDisclosures(payload, disclosures).claims, claims);
});

test('makes children disclosable first, then the parent that contains their digests', async () => {
  const { disclosures } = await issueSdJwt({ header: {}, payload: claims, disclosable, signer });
  const decoded = disclosures.map((d) => unb64json<JsonValue[]>(d));
  const address = decoded.findIndex((d) => d[1] === 'address');
  const street = decoded.findIndex((d) => d[1] === 'street_address');
  assert.ok(street >= 0 && street < address);
  const addressValue = decoded[address]![2] as JsonObject;
  assert.deepEqual(Object.keys(addressValue).sort(), ['_sd', 'country']);
  assert.ok((addressValue._sd as string[]).includes(digestOf(disclosures[street]!)));
  // Array elements: each privilege is a 2-element disclosure holding an object with its own _sd.
  const privileges = decoded.filter((d) => d.length === 2 && typeof d[1] === 'object');
  assert.equal(privileges.length, 2);
  for (const p of privileges) assert.deepEqual(Object.keys(p[1] as JsonObject).sort(), ['_sd', 'issue_date']);
});

test('uses 16 random bytes for every salt, all distinct', async () => {
  const random = seededRandom('salts');
  const { disclosures } = await issueSdJwt({ header: {}, payload: claims, disclosable, signer, random });
  const salts = disclosures.map((d) => unb64json<string[]>(d)[0]!);
  const drawn = new Set(random.calls.filter((c) => c.length === 16).map((c) => Buffer.from(c).toString('base64url')));
  for (const salt of salts) {
    assert.equal(Buffer.from(salt, 'base64url').length, 16);
    assert.ok(drawn.has(salt), 'salt comes from the injected random source');
  }
  assert.equal(new Set(salts).size, salts.length);
  const again = await issueSdJwt({ header: {}, payload: claims, disclosable, signer });
  const salts2 = again.disclosures.map((d) => unb64json<string[]>(d)[0]!);
  assert.equal(new Set([...salts, ...salts2]).size, salts.length + salts2.length);
});

test('pads each object and array with decoys up to padTo digests', async () => {
  const padTo = { '': 12, address: 5, nationalities: 6, 'driving_privileges[]': 4, given_name: 3 };
  const { sdJwt, disclosures } = await issueSdJwt({ header: {}, payload: claims, disclosable, padTo, signer });
  const payload = jwtPayload(parseSdJwt(sdJwt).jwt);
  assert.equal((payload._sd as string[]).length, 12);
  const nationalities = payload.nationalities as JsonObject[];
  assert.equal(nationalities.length, 6);
  assert.ok(nationalities.every((e) => typeof e['...'] === 'string'));
  const decoded = disclosures.map((d) => unb64json<JsonValue[]>(d));
  const address = decoded.find((d) => d[1] === 'address')![2] as JsonObject;
  assert.equal((address._sd as string[]).length, 5);
  for (const p of decoded.filter((d) => d.length === 2 && typeof d[1] === 'object')) {
    assert.equal(((p[1] as JsonObject)._sd as string[]).length, 4);
  }
  // Decoys have no disclosure: processing still yields exactly the claims.
  assert.deepEqual(processDisclosures(payload, disclosures).claims, claims);
});

test('never pads below the real number of digests', async () => {
  const { sdJwt } = await issueSdJwt({ header: {}, payload: claims, disclosable, padTo: { '': 1 }, signer });
  assert.equal((jwtPayload(parseSdJwt(sdJwt).jwt)._sd as string[]).length, 3);
});

test('sorts every _sd array so the claim order is hidden', async () => {
  const { sdJwt, disclosures } = await issueSdJwt({ header: {}, payload: claims, disclosable, padTo: { '': 20, address: 9 }, signer });
  const sdArrays: string[][] = [];
  collectDigests(jwtPayload(parseSdJwt(sdJwt).jwt), sdArrays, []);
  for (const d of disclosures) collectDigests(unb64json<JsonValue>(d), sdArrays, []);
  assert.ok(sdArrays.length >= 4);
  for (const sd of sdArrays) assert.deepEqual(sd, [...sd].sort());
});

test('omits _sd_alg and _sd when nothing is selectively disclosable', async () => {
  const { sdJwt, disclosures } = await issueSdJwt({ header: {}, payload: { sub: 'x' }, disclosable: [], signer });
  assert.deepEqual(disclosures, []);
  assert.deepEqual(jwtPayload(parseSdJwt(sdJwt).jwt), { sub: 'x' });
});

test('ignores disclosable paths for claims this credential does not have', async () => {
  const { disclosures } = await issueSdJwt({
    header: {},
    payload: { sub: 'x' },
    disclosable: ['email', 'address.locality', 'sub[]'],
    signer,
  });
  assert.deepEqual(disclosures, []);
});

test('refuses claims named _sd, ... or _sd_alg anywhere in the payload', async () => {
  for (const payload of [{ _sd: [] }, { a: { '...': 'x' } }, { a: [{ _sd_alg: 'x' }] }, { _sd_alg: 'sha-256' }] as JsonObject[]) {
    await assert.rejects(issueSdJwt({ header: {}, payload, disclosable: [], signer }), code('sd_jwt_reserved_claim_name'));
  }
});

test('refuses malformed claim paths', async () => {
  for (const path of ['', 'a..b', '.a', 'a.', 'a[0]', 'a[', 'a]', '[]', 'a.[]', 'a[]b']) {
    await assert.rejects(issueSdJwt({ header: {}, payload: { a: 1 }, disclosable: [path], signer }), code('sd_jwt_invalid_path'), path);
  }
  await assert.rejects(
    issueSdJwt({ header: {}, payload: { a: 1 }, disclosable: [], padTo: { a: -1 }, signer }),
    code('sd_jwt_invalid_path'),
  );
});
