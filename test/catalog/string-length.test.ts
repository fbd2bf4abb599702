import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { codePointLength, createAjv } from '../../src/catalog/create-ajv.js';
import { CREDENTIAL_TYPE_SCHEMA_FILE } from '../../src/catalog/load-catalog.js';
import { normalizeClaims } from '../../src/catalog/normalize-claims.js';
import { validateClaims } from '../../src/catalog/validate-claims.js';
import { AppError } from '../../src/errors.js';
import { shippedType } from './temp-catalog.js';

const Ajv2020 = ajv2020.default;
const addFormats = ajvFormats.default;

// ajv's own count, the reference ours must agree with (create-ajv.ts replaces it for speed only).
const ucs2length = (createRequire(import.meta.url)('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;

test('codePointLength counts as ajv counts: a surrogate pair is one character, a lone surrogate one', () => {
  const samples = [
    '',
    'plain ASCII',
    '홍길동',
    '𠀀𠀁', // CJK Extension B (Hanja in some names): two code points, four UTF-16 units
    '\ud840', // lone high surrogate
    '\udc00x', // lone low surrogate first
    'a\ud840', // high surrogate at the end
    '\ud840\ud840\udc00', // high, then a pair
    '😀'.repeat(30),
  ];
  for (const s of samples) assert.equal(codePointLength(s), ucs2length(s), JSON.stringify(s));
  // Random UTF-16, surrogates included, against the reference.
  for (let i = 0; i < 200; i++) {
    const units = new Uint16Array(randomBytes(64).buffer);
    const s = String.fromCharCode(...units.map((u) => (i % 2 === 0 ? 0xd800 + (u % 0x800) : u)));
    assert.equal(codePointLength(s), ucs2length(s));
  }
});

test('maxLength and minLength count code points and give ajv`s own errors', () => {
  const validate = createAjv().compile({ type: 'string', minLength: 2, maxLength: 20 });
  assert.equal(validate('𠀀'.repeat(20)), true, '20 astral characters are 20, not 40');
  assert.equal(validate('𠀀'.repeat(21)), false);
  assert.deepEqual(
    validate.errors?.map((e) => [e.keyword, e.message, e.params]),
    [['maxLength', 'must NOT have more than 20 characters', { limit: 20 }]],
  );
  assert.equal(validate('𠀀'), false, 'one astral character is one, not two');
  assert.deepEqual(
    validate.errors?.map((e) => [e.keyword, e.message, e.params, e.instancePath]),
    [['minLength', 'must NOT have fewer than 2 characters', { limit: 2 }, '']],
  );
});

test('every error, its order and its fields are what ajv itself gives, property names and the meta-schema included', () => {
  // ajv as it comes, with the catalogue's options: the reference our two keywords replace.
  const stock = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(stock);
  stock.addKeyword({ keyword: 'x-allow-control-characters', schemaType: 'boolean' });
  const ours = createAjv({ strictRequired: false });
  const errorsOf = (ajv: typeof stock, schema: object, data: unknown) => {
    const v = ajv.compile(schema);
    v(data);
    return v.errors;
  };
  const cases: [object, unknown[]][] = [
    [
      { type: 'string', minLength: 2, maxLength: 3, pattern: '^a+$', format: 'email' },
      ['bbbbb', 'x', 'aa', '😀😀', '😀😀😀😀', '\ud800\ud800\ud800\ud800', 7],
    ],
    [{ type: 'object', propertyNames: { maxLength: 3, pattern: '^[a-z]+$' } }, [{ abcd: 1, Ab: 2, ok: 3 }]],
    [{ type: 'array', items: { type: 'string', maxLength: 1 } }, [['ab', 'c', '𠀀𠀀']]],
  ];
  for (const [schema, data] of cases)
    for (const d of data) assert.deepEqual(errorsOf(ours, schema, d), errorsOf(stock, schema, d), JSON.stringify([schema, d]));
  // The credential-type meta-schema names claims with propertyNames (maxLength 200): a name too
  // long is reported at its own pointer, as ajv reports it.
  const meta = JSON.parse(readFileSync(CREDENTIAL_TYPE_SCHEMA_FILE, 'utf8')) as object;
  const type = JSON.parse(readFileSync(join(dirname(CREDENTIAL_TYPE_SCHEMA_FILE), 'credentials', 'civil-servant-id.json'), 'utf8')) as {
    claim_display: object;
  };
  const tooLong = { ...type, claim_display: { ...type.claim_display, ['a'.repeat(201)]: { ko: '가', en: 'a' } } };
  const reported = errorsOf(ours, meta, tooLong);
  assert.ok(
    reported?.some((e) => e.keyword === 'maxLength' && e.propertyName === 'a'.repeat(201)),
    JSON.stringify(reported),
  );
  assert.deepEqual(reported, errorsOf(stock, meta, tooLong));
});

test('a portrait at the length limit passes, one character more is refused at its pointer', async () => {
  const rid = await shippedType('resident-id');
  const portrait = (chars: number) =>
    `_9j_${randomBytes(chars)
      .toString('base64url')
      .slice(0, chars - 4)}`;
  assert.equal(validateClaims(rid, { ...rid.example, portrait: portrait(20_000) }).portrait?.toString().length, 20_000);
  try {
    validateClaims(rid, { ...rid.example, portrait: portrait(20_001) });
    assert.fail('expected invalid_claims');
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'invalid_claims');
    assert.deepEqual(e.details?.errors, [
      { pointer: '/portrait', message: 'must NOT have more than 20000 characters', ko: '20,000자 이하여야 합니다.' },
    ]);
  }
});

test('NFC: text below U+0300 is returned as it is, anything from there on is normalised', () => {
  const ascii = randomBytes(15_000).toString('base64url');
  assert.equal(normalizeClaims(ascii), ascii);
  assert.equal(normalizeClaims('Zoë Ångström'), 'Zoë Ångström');
  assert.equal(normalizeClaims('Zoe\u0308'), 'Zoë', 'a combining mark is composed');
  assert.equal(normalizeClaims('\u212b'), '\u00c5', 'the angstrom sign (a singleton) becomes Å');
  assert.equal(normalizeClaims('최'.normalize('NFD')), '최', 'Hangul jamo are composed');
  assert.deepEqual(normalizeClaims({ a: ['e\u0301', 'x'] }), { a: ['é', 'x'] });
});
