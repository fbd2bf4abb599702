import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_ERROR_CODES } from '../../src/formats/error-codes.js';

const SRC = join(import.meta.dirname, '..', '..', 'src', 'formats');
const sources = ['jose', 'sd-jwt', 'sd-jwt-vc'].flatMap((dir) =>
  readdirSync(join(SRC, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(SRC, dir, f), 'utf8')),
);

test('lists every format error code once, in snake_case', () => {
  assert.equal(new Set(FORMAT_ERROR_CODES).size, FORMAT_ERROR_CODES.length);
  for (const c of FORMAT_ERROR_CODES) assert.match(c, /^[a-z0-9]+(_[a-z0-9]+)+$/);
});

test('lists no code that the format code never throws', () => {
  const unused = FORMAT_ERROR_CODES.filter((c) => !sources.some((s) => s.includes(`'${c}'`)));
  assert.deepEqual(unused, []);
});
