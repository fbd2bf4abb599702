import { test } from 'vitest';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, parseJson, parseJsonObject, parseJsonText } from '../../../src/formats/jose/parse-json.js';
import { code } from '../helpers.js';

const bytes = (s: string) => new TextEncoder().encode(s);

test('parses ordinary JSON objects, arrays and escaped strings', () => {
  assert.deepEqual(parseJsonObject(bytes('{"a":[1,{"b":"x\\"y"}],"c":"\\u00e9"}'), 'jws_malformed'), { a: [1, { b: 'x"y' }], c: 'é' });
  assert.deepEqual(parseJsonText('[{"a":1},{"a":2}]', 'jws_malformed'), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(parseJsonText('{"a\\\\":1,"a":2}', 'jws_malformed'), { 'a\\': 1, a: 2 });
});

test('rejects duplicate member names at the top level', () => {
  assert.throws(() => parseJson(bytes('{"alg":"ES256","alg":"none"}'), 'jws_malformed'), code('jws_malformed'));
});

test('rejects duplicate member names nested at any depth', () => {
  assert.throws(() => parseJsonText('{"a":{"b":[{"c":1,"c":2}]}}', 'jws_malformed'), code('jws_malformed'));
  assert.throws(() => parseJsonText('[[[{"x":1,"y":{},"x":3}]]]', 'jws_malformed'), code('jws_malformed'));
});

test('rejects duplicate member names spelled with different escapes', () => {
  assert.throws(() => parseJsonText('{"alg":1,"\\u0061lg":2}', 'jws_malformed'), code('jws_malformed'));
});

test('does not mistake string values or sibling objects for duplicate names', () => {
  assert.deepEqual(parseJsonText('{"a":"a","b":{"a":1},"c":{"a":2}}', 'jws_malformed'), { a: 'a', b: { a: 1 }, c: { a: 2 } });
  assert.deepEqual(parseJsonText('{"a":"{\\"a\\":1,","b":"}"}', 'jws_malformed'), { a: '{"a":1,', b: '}' });
});

test('rejects invalid UTF-8 and a byte order mark', () => {
  assert.throws(
    () => parseJson(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'jws_malformed'),
    code('jws_malformed'),
  );
  assert.throws(() => parseJson(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), 'jws_malformed'), code('jws_malformed')); // UTF-8 surrogate
  assert.throws(() => parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'jws_malformed'), code('jws_malformed'));
});

test('rejects a value that is not an object where an object is required', () => {
  for (const s of ['[]', '"x"', '1', 'null', 'true']) {
    assert.throws(() => parseJsonObject(bytes(s), 'jws_malformed'), code('jws_malformed'), s);
  }
});

test('rejects syntax errors with the caller code', () => {
  for (const s of ['', '{', '{"a":1,}', "{'a':1}", '{"a":1} x', '{"a"', 'NaN']) {
    assert.throws(() => parseJsonText(s, 'sd_jwt_disclosure_malformed'), code('sd_jwt_disclosure_malformed'), s);
  }
});

test('accepts nesting up to the depth limit and rejects deeper nesting without overflowing', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.doesNotThrow(() => parseJsonText(nest(MAX_JSON_DEPTH), 'jws_malformed'));
  assert.throws(() => parseJsonText(nest(MAX_JSON_DEPTH + 1), 'jws_malformed'), code('jws_malformed'));
  assert.throws(() => parseJsonText('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 'jws_malformed'), code('jws_malformed'));
});

test('refuses a member named __proto__ (code copying the object with Object.assign would set its prototype), and pollutes nothing', () => {
  for (const text of ['{"__proto__":{"polluted":true}}', '{"a":{"\\u005f_proto__":{"polluted":true}}}'])
    assert.throws(() => parseJsonObject(bytes(text), 'jws_malformed'), code('jws_malformed'), text);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('refuses what I-JSON refuses, as request bodies do: numbers out of range and escaped lone surrogates', () => {
  for (const bad of ['{"n":1e400}', '{"n":-1e309}', '{"n":[1e-400]}', '{"s":"\\ud800"}', '{"\\udfff":1}', '["a\\ud83d"]']) {
    assert.throws(() => parseJsonText(bad, 'jws_malformed'), code('jws_malformed'), bad);
  }
  // Representable numbers, a pair of surrogates and an escaped backslash before `ud800` are fine.
  for (const good of ['{"n":0e400}', '{"n":1e-300}', '{"n":-0.0}', '{"s":"\\ud83d\\ude00"}', '{"s":"\\\\ud800"}']) {
    assert.doesNotThrow(() => parseJsonText(good, 'jws_malformed'), good);
  }
});
