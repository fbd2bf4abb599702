import { it } from 'vitest';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonBoundFault, MAX_ARRAY_ITEMS, MAX_BODY_DEPTH, MAX_OBJECT_MEMBERS } from '../../src/http/json-bounds.js';
import { isFormRequest, MAX_FORM_FIELDS, parseBoundedForm } from '../../src/http/form-body.js';

const nest = (n: number, inner = '1') => {
  let s = inner;
  for (let i = 0; i < n; i++) s = i % 2 === 0 ? `[${s}]` : `{"k":${s}}`;
  return s;
};
const object = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":[1,2]`).join(',')}}`;
const array = (n: number) => `[${Array.from({ length: n }, () => '{"a":1,"b":2}').join(',')}]`;

it('counts arrays and objects alike, up to the depth bound and not one past it', () => {
  assert.equal(jsonBoundFault(nest(MAX_BODY_DEPTH)), undefined);
  assert.equal(jsonBoundFault(nest(MAX_BODY_DEPTH + 1)), 'too_deep');
  assert.equal(jsonBoundFault('[[[]]]', 3), undefined);
  assert.equal(jsonBoundFault('[[[[]]]]', 3), 'too_deep');
});

it('bounds the members of one object and the items of one array, not their sum', () => {
  assert.equal(jsonBoundFault(object(MAX_OBJECT_MEMBERS)), undefined);
  assert.equal(jsonBoundFault(object(MAX_OBJECT_MEMBERS + 1)), 'too_wide');
  assert.equal(jsonBoundFault(array(MAX_ARRAY_ITEMS)), undefined);
  assert.equal(jsonBoundFault(array(MAX_ARRAY_ITEMS + 1)), 'too_wide');
  // Many objects of 100 members each are fine: width is per container.
  assert.equal(jsonBoundFault(`[${Array.from({ length: 50 }, () => object(MAX_OBJECT_MEMBERS)).join(',')}]`), undefined);
  // A closed container's count does not leak into its parent or a sibling.
  assert.equal(jsonBoundFault(`{"a":${object(MAX_OBJECT_MEMBERS)},"b":${object(MAX_OBJECT_MEMBERS)}}`), undefined);
});

it('ignores brackets and commas inside strings, escaped quotes and escaped backslashes included', () => {
  assert.equal(jsonBoundFault(`{"a":"${'['.repeat(1000)}"}`), undefined);
  assert.equal(jsonBoundFault(`{"a":"${','.repeat(10_000)}"}`), undefined);
  assert.equal(jsonBoundFault(`{"a":"\\"${'{'.repeat(1000)}"}`), undefined);
  assert.equal(jsonBoundFault(`{"a":"\\\\","b":${nest(MAX_BODY_DEPTH)}}`, MAX_BODY_DEPTH + 1), undefined);
  assert.equal(jsonBoundFault(`{"a":"\\\\","b":${nest(MAX_BODY_DEPTH + 1)}}`, MAX_BODY_DEPTH + 1), 'too_deep');
});

it('agrees with the depth of JSON.stringify output for any value', () => {
  const depthOf = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (v, max) => {
      assert.equal(jsonBoundFault(JSON.stringify(v), max) === 'too_deep', depthOf(v) > max);
    }),
    { numRuns: 300 },
  );
});

it('stops at the first bracket past the bound, and reads a flat 1 MB array whole', () => {
  // How long the scan takes is the bench's business; what it answers is this test's.
  assert.equal(jsonBoundFault('['.repeat(1_000_000)), 'too_deep');
  assert.equal(jsonBoundFault(`[${Array.from({ length: 900 }, () => `"${'x'.repeat(1000)}"`).join(',')}]`), undefined);
});

it('finds a member name given twice in one object, at any depth and in any spelling', () => {
  assert.equal(jsonBoundFault('{"type":"resident-id","type":"x"}'), 'duplicate_name');
  assert.equal(jsonBoundFault('{"claims":{"a":1,"b":{"c":1},"a":2}}'), 'duplicate_name');
  assert.equal(jsonBoundFault('[{"ok":1},{"x":[{"y":1,"y":1}]}]'), 'duplicate_name');
  assert.equal(jsonBoundFault('{"a":1,"\\u0061":2}'), 'duplicate_name', 'an escape spells the same name');
  assert.equal(jsonBoundFault('{"\\"":1,"\\u0022":2}'), 'duplicate_name');
  // The same name in sibling or nested objects, and names repeated as values, are not duplicates.
  assert.equal(jsonBoundFault('{"a":{"a":{"a":1}},"b":{"a":1},"c":["a","a"],"d":"a"}'), undefined);
  assert.equal(jsonBoundFault('[{"a":1},{"a":1}]'), undefined);
  assert.equal(jsonBoundFault('{"a":"\\",\\"a\\"","b":1}'), undefined, 'an escaped quote inside a value is not a name');
  assert.equal(jsonBoundFault('{"A":1,"a":2,"a ":3}'), undefined, 'names are compared exactly');
});

it('finds no duplicate in anything JSON.stringify writes, and finds the one added to it', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 20 }), (o) => {
      const text = JSON.stringify(o);
      // A member named __proto__ is a fault of its own (forbidden_name), tested in prototype-names.test.ts.
      fc.pre(!text.includes('"__proto__"'));
      assert.equal(jsonBoundFault(text, 40), undefined);
      const [name] = Object.keys(o);
      assert.equal(jsonBoundFault(`${text.slice(0, -1)},${JSON.stringify(name)}:null}`, 40), 'duplicate_name');
    }),
    { numRuns: 300 },
  );
});

it('refuses a form of more fields than the bound before parsing it, and parses real forms as before', () => {
  assert.throws(() => parseBoundedForm(Array.from({ length: MAX_FORM_FIELDS + 1 }, (_, i) => `f${i}=1`).join('&')), {
    code: 'form_too_wide',
  });
  assert.equal(
    Object.keys(parseBoundedForm(Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `f${i}=1`).join('&'))).length,
    MAX_FORM_FIELDS,
  );
  const form = parseBoundedForm(
    'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=a+b&x=1&x=2',
  );
  assert.deepEqual(
    { ...form },
    { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': 'a b', x: ['1', '2'] },
  );
  assert.equal(Object.getPrototypeOf(form), null, 'no prototype to pollute');
  // And no field named after a prototype member at all (SECURITY.md, HTTP), however it is escaped.
  for (const text of ['__proto__=1', 'a=1&constructor=x', 'prototype=', '%5F%5Fproto%5F%5F=1'])
    assert.throws(
      () => parseBoundedForm(text),
      (e: unknown) => (e as { code?: string }).code === 'forbidden_json_key',
      text,
    );
});

it('refuses a form that is not UTF-8, raw or percent-escaped, and keeps a % that starts no escape', () => {
  assert.deepEqual({ ...parseBoundedForm('a=b+c%20d&x=%ED%99%8D&p=100%&q=%zz') }, { a: 'b c d', x: '홍', p: '100%', q: '%zz' });
  // %C8%AB%B1%E6 is "홍길" in EUC-KR; %C0%AF an overlong "/"; \uFFFD is what raw bytes that are not UTF-8 read as.
  for (const form of ['tx_code=%FF', 'state=%C8%AB%B1%E6', 'a=%C0%AF', '%FF=1', 'a=\uFFFD', 'a=1&b=%80'])
    assert.throws(() => parseBoundedForm(form), { code: 'body_not_utf8' }, form);
});

it('refuses a NUL in a form, raw or as %00, in a value, a repeated value or a name', () => {
  for (const form of ['state=a%00b', 'pre-authorized_code=abc%00', 'a=\u0000', 'x=1&x=%00', '%00=1', 'a%00b=1'])
    assert.throws(() => parseBoundedForm(form), { code: 'nul_character' }, form);
  assert.deepEqual({ ...parseBoundedForm('a=%2500') }, { a: '%00' }, 'an escaped percent sign is text');
});

it('takes the form media type with parameters and in any case, and nothing that only starts like it', () => {
  for (const t of [
    'application/x-www-form-urlencoded',
    'Application/X-WWW-Form-Urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/x-www-form-urlencoded ;charset=UTF-8',
  ])
    assert.equal(isFormRequest(t), true, t);
  for (const t of [
    undefined,
    '',
    'application/json',
    'application/x-www-form-urlencoded-evil',
    'application/x-www-form-urlencodedx; a=b',
    'text/plain; x=application/x-www-form-urlencoded',
  ])
    assert.equal(isFormRequest(t), false, String(t));
});
