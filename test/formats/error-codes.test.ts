import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_ERROR_CODES } from '../../src/formats/error-codes.js';

const SRC = join(import.meta.dirname, '..', '..', 'src', 'formats');
// Every format's folder (jose, sd-jwt, sd-jwt-vc, vc-jwt, mdoc, x509, …), read recursively.
const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && f !== 'error-codes.ts')
  .map((f) => readFileSync(join(SRC, f), 'utf8'));

test('lists every format error code once, in snake_case', () => {
  assert.equal(new Set(FORMAT_ERROR_CODES).size, FORMAT_ERROR_CODES.length);
  for (const c of FORMAT_ERROR_CODES) assert.match(c, /^[a-z0-9]+(_[a-z0-9]+)+$/);
});

test('lists no code that the format code never throws', () => {
  const unused = FORMAT_ERROR_CODES.filter((c) => !sources.some((s) => s.includes(`'${c}'`)));
  assert.deepEqual(unused, []);
});
