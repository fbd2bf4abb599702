import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { isClaimPathPointer } from '../../../src/formats/claim-path/claim-path-pointer.js';
import { processClaimPath, type ClaimPathError } from '../../../src/formats/claim-path/process-claim-path.js';
import type { JsonObject } from '../../../src/formats/jose/types.js';

/** OpenID4VP 1.0 §7.4 "Claims Path Pointer Example": the credential and what each pointer selects. */
const credential: JsonObject = {
  name: 'Arthur Dent',
  address: { street_address: '42 Market Street', locality: 'Milliways', postal_code: '12345' },
  degrees: [
    { type: 'Bachelor of Science', university: 'University of Betelgeuse' },
    { type: 'Master of Science', university: 'University of Betelgeuse' },
  ],
  nationalities: ['British', 'Betelgeusian'],
};

describe('claims path pointer processing (OpenID4VP §7.1.1)', () => {
  const selects: [string, unknown[], unknown[]][] = [
    ['a key', ['name'], ['Arthur Dent']],
    ['an object with its sub-claims', ['address'], [credential.address]],
    ['a nested key', ['address', 'street_address'], ['42 Market Street']],
    ['a key in every array element (null)', ['degrees', null, 'type'], ['Bachelor of Science', 'Master of Science']],
    ['one array element by index', ['nationalities', 1], ['Betelgeusian']],
    ['every element of an array', ['nationalities', null], ['British', 'Betelgeusian']],
    ['a key inside one indexed element', ['degrees', 0, 'type'], ['Bachelor of Science']],
  ];
  for (const [what, pointer, expected] of selects) {
    it(`selects ${what}: ${JSON.stringify(pointer)}`, () => {
      assert.deepEqual(processClaimPath(credential, pointer), { ok: true, selected: expected });
    });
  }

  it('drops an element that lacks the key, without an error, while another element has it (step 2.1)', () => {
    const mixed: JsonObject = { d: [{ a: 1 }, { b: 2 }, { a: 3 }] };
    assert.deepEqual(processClaimPath(mixed, ['d', null, 'a']), { ok: true, selected: [1, 3] });
  });

  const errors: [string, JsonObject, unknown[], ClaimPathError][] = [
    ['a key that does not exist', credential, ['birth_date'], 'nothing_selected'],
    ['a nested key that does not exist', credential, ['address', 'country'], 'nothing_selected'],
    ['an index past the end of the array (step 2.3 removes it, step 3 errors)', credential, ['nationalities', 2], 'nothing_selected'],
    ['a key on a string (step 2.1)', credential, ['name', 'first'], 'not_an_object'],
    ['a key on an array (step 2.1)', credential, ['nationalities', 'first'], 'not_an_object'],
    ['a key on null (step 2.1)', { n: null }, ['n', 'x'], 'not_an_object'],
    ['null on an object (step 2.2)', credential, ['address', null], 'not_an_array'],
    ['an index on an object (step 2.3)', credential, ['address', 0], 'not_an_array'],
    ['null at the root object (step 2.2)', credential, [null], 'not_an_array'],
    [
      'a key on one element that is not an object aborts, even if others have it (step 2.1)',
      { d: [{ a: 1 }, 'x'] },
      ['d', null, 'a'],
      'not_an_object',
    ],
    ['a negative index (step 2.4)', credential, ['nationalities', -1], 'invalid_component'],
    ['a fractional index (step 2.4)', credential, ['nationalities', 0.5], 'invalid_component'],
    ['a boolean component (step 2.4)', credential, ['name', true], 'invalid_component'],
    ['an object component (step 2.4)', credential, [{}], 'invalid_component'],
    ['an empty pointer (§7: non-empty)', credential, [], 'invalid_component'],
  ];
  for (const [what, source, pointer, error] of errors) {
    it(`refuses ${what}: ${JSON.stringify(pointer)} → ${error}`, () => {
      assert.deepEqual(processClaimPath(source, pointer), { ok: false, error });
    });
  }

  it('does not read inherited properties as claims', () => {
    assert.deepEqual(processClaimPath({}, ['constructor']), { ok: false, error: 'nothing_selected' });
    assert.deepEqual(processClaimPath({}, ['__proto__']), { ok: false, error: 'nothing_selected' });
  });
});

describe('claims path pointer syntax (OpenID4VP §7)', () => {
  const valid: unknown[] = [['a'], ['a', null], ['a', 0], ['a', null, 'b', 7], Array(16).fill('a')];
  const invalid: [string, unknown][] = [
    ['an empty array', []],
    ['a string', 'a.b'],
    ['an empty key', ['']],
    ['a negative index', ['a', -1]],
    ['a fractional index', ['a', 1.5]],
    ['an unsafe integer', ['a', 2 ** 60]],
    ['a boolean', ['a', false]],
    ['a nested array', ['a', ['b']]],
    ['over 16 components', Array(17).fill('a')],
    ['a key over 100 characters', ['x'.repeat(101)]],
  ];
  for (const p of valid) it(`accepts ${JSON.stringify(p)}`, () => assert.equal(isClaimPathPointer(p), true));
  for (const [what, p] of invalid) it(`refuses ${what}`, () => assert.equal(isClaimPathPointer(p), false));
});
