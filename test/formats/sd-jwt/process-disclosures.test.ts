import { test } from 'vitest';
import assert from 'node:assert/strict';
import { processDisclosures } from '../../../src/formats/sd-jwt/process-disclosures.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';
import { code, digestOf, disclosure } from '../helpers.js';

const given = disclosure('salt-1', 'given_name', 'John');
const family = disclosure('salt-2', 'family_name', 'Doe');
const us = disclosure('salt-3', 'US');
const decoy = digestOf('decoy');
const run = (payload: JsonObject, ds: string[]) => processDisclosures(payload, ds);

test('inserts disclosed claims and drops _sd, _sd_alg and undisclosed array elements', () => {
  const payload: JsonObject = {
    iss: 'x',
    _sd_alg: 'sha-256',
    _sd: [digestOf(given), digestOf(family), decoy],
    nationalities: [{ '...': digestOf(us) }, { '...': digestOf(disclosure('s', 'DE')) }, 'FR'],
    empty: { _sd: [digestOf('another decoy')] },
  };
  const { claims, disclosedPaths } = run(payload, [given, us]);
  assert.deepEqual(claims, { iss: 'x', given_name: 'John', nationalities: ['US', 'FR'], empty: {} });
  assert.deepEqual(disclosedPaths, [['nationalities', 0], ['given_name']]);
});

test('processes recursive disclosures and reports parents before children', () => {
  const street = disclosure('s1', 'street', 'Main St');
  const address = disclosure('s2', 'address', { _sd: [digestOf(street)], country: 'US' });
  const { claims, disclosedPaths } = run({ _sd: [digestOf(address)] }, [street, address]);
  assert.deepEqual(claims, { address: { street: 'Main St', country: 'US' } });
  assert.deepEqual(disclosedPaths, [['address'], ['address', 'street']]);
});

test('rejects a disclosure not referenced by any digest', () => {
  assert.throws(() => run({ _sd: [digestOf(given)] }, [given, family]), code('sd_jwt_unreferenced_disclosure'));
  // A child whose parent was not disclosed connects to nothing either.
  const street = disclosure('s1', 'street', 'Main St');
  const address = disclosure('s2', 'address', { _sd: [digestOf(street)] });
  assert.throws(() => run({ _sd: [digestOf(address)] }, [street]), code('sd_jwt_unreferenced_disclosure'));
});

test('rejects a disclosure that appears twice', () => {
  assert.throws(() => run({ _sd: [digestOf(given)] }, [given, given]), code('sd_jwt_duplicate_disclosure'));
});

test('rejects a digest that appears twice, even a decoy or one inside a disclosure', () => {
  assert.throws(() => run({ _sd: [decoy, decoy] }, []), code('sd_jwt_duplicate_digest'));
  assert.throws(() => run({ _sd: [digestOf(given)], a: { _sd: [digestOf(given)] } }, [given]), code('sd_jwt_duplicate_digest'));
  assert.throws(() => run({ a: [{ '...': decoy }], b: [{ '...': decoy }] }, []), code('sd_jwt_duplicate_digest'));
  const inner = disclosure('s', 'obj', { _sd: [decoy] });
  assert.throws(() => run({ _sd: [digestOf(inner), decoy] }, [inner]), code('sd_jwt_duplicate_digest'));
});

test('rejects disclosed claim names _sd, ... and _sd_alg', () => {
  for (const name of ['_sd', '...', '_sd_alg']) {
    const d = disclosure('s', name, 'x');
    assert.throws(() => run({ _sd: [digestOf(d)] }, [d]), code('sd_jwt_reserved_claim_name'), name);
  }
});

test('rejects a disclosed name that collides with a plain claim or another disclosure', () => {
  const d = disclosure('s', 'iss', 'https://evil.example');
  assert.throws(() => run({ iss: 'https://issuer.example', _sd: [digestOf(d)] }, [d]), code('sd_jwt_claim_collision'));
  const again = disclosure('t', 'given_name', 'Jane');
  assert.throws(() => run({ _sd: [digestOf(given), digestOf(again)] }, [given, again]), code('sd_jwt_claim_collision'));
});

test('rejects a 2-element disclosure in an object position and a 3-element one in an array', () => {
  assert.throws(() => run({ _sd: [digestOf(us)] }, [us]), code('sd_jwt_disclosure_wrong_shape'));
  assert.throws(() => run({ a: [{ '...': digestOf(given) }] }, [given]), code('sd_jwt_disclosure_wrong_shape'));
});

test('rejects _sd that is not an array of strings', () => {
  for (const sd of ['abc', [1], [digestOf(given), null], { a: 1 }, null]) {
    assert.throws(() => run({ _sd: sd } as JsonObject, []), code('sd_jwt_invalid_sd_array'), JSON.stringify(sd));
  }
});

test('rejects malformed array digest objects and ... outside arrays', () => {
  assert.throws(() => run({ a: [{ '...': 1 }] }, []), code('sd_jwt_invalid_array_digest'));
  assert.throws(() => run({ a: [{ '...': decoy, extra: 1 }] }, []), code('sd_jwt_invalid_array_digest'));
  assert.throws(() => run({ '...': decoy }, []), code('sd_jwt_invalid_array_digest'));
});

test('accepts only sha-256 as _sd_alg, exactly spelled, and only at the top level', () => {
  assert.doesNotThrow(() => run({ _sd: [digestOf(given)] }, [given]));
  for (const alg of ['SHA-256', 'sha256', 'sha-512', 'md5', '', 1, null]) {
    assert.throws(() => run({ _sd_alg: alg, _sd: [digestOf(given)] } as JsonObject, [given]), code('sd_jwt_bad_sd_alg'), String(alg));
  }
  assert.throws(() => run({ nested: { _sd_alg: 'sha-256' } }, []), code('sd_jwt_bad_sd_alg'));
});

test('rejects disclosures that are not base64url, UTF-8, JSON arrays of 2 or 3, or have non-string salt or name', () => {
  const raw = (bytes: number[]) => Buffer.from(bytes).toString('base64url');
  const bad = [
    'WyJzYWx0IiwgIng+Il0=', // padding
    'ab+c',
    raw([0x5b, 0x22, 0xff, 0x22, 0x2c, 0x31, 0x5d]), // invalid UTF-8
    Buffer.from('not json').toString('base64url'),
    disclosure({ salt: 's', name: 'n', value: 1 }),
    disclosure('only-salt'),
    disclosure('s', 'n', 'v', 'extra'),
    disclosure(42, 'name', 'v'),
    disclosure(null, 'v'),
    disclosure('s', 7, 'v'),
    Buffer.from('["s","n",{"a":1,"a":2}]').toString('base64url'), // duplicate member
  ];
  for (const d of bad) {
    assert.throws(() => run({ _sd: [digestOf(d)] }, [d]), code('sd_jwt_disclosure_malformed'), d);
  }
});

test('writes a disclosed __proto__ claim as an own property without touching prototypes', () => {
  const d = disclosure('s', '__proto__', { polluted: true });
  const { claims } = run({ _sd: [digestOf(d)] }, [d]);
  assert.deepEqual(Object.getOwnPropertyNames(claims), ['__proto__']);
  assert.equal(Object.getPrototypeOf(claims), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('rejects disclosures nested through each other deeper than the limit', () => {
  let value: JsonObject = { leaf: true };
  const ds: string[] = [];
  for (let i = 0; i < 200; i++) {
    const d = disclosure(`s${i}`, 'n', value);
    ds.push(d);
    value = { _sd: [digestOf(d)] };
  }
  assert.throws(() => run(value, ds), code('sd_jwt_too_deep'));
});
