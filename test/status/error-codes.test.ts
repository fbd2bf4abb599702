import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { STATUS_FORMAT_ERROR_CODES, STATUS_LIST_ERROR_CODES, VC_JWT_ERROR_CODES } from '../../src/formats/status-list/error-codes.js';

const sources = [
  ...readdirSync(new URL('../../src/formats/status-list/', import.meta.url)).map(
    (f) => new URL(`../../src/formats/status-list/${f}`, import.meta.url),
  ),
  ...readdirSync(new URL('../../src/formats/vc-jwt/', import.meta.url)).map(
    (f) => new URL(`../../src/formats/vc-jwt/${f}`, import.meta.url),
  ),
].filter((u) => u.pathname.endsWith('.ts') && !u.pathname.endsWith('/error-codes.ts'));
const thrown = new Set(
  sources.flatMap((u) => [...readFileSync(u, 'utf8').matchAll(/statusFormatError\(\s*'([a-z0-9_]+)'/g)].map((m) => m[1]!)),
);

test('lists every status and VC-JWT code once, in snake_case', () => {
  assert.deepEqual([...STATUS_FORMAT_ERROR_CODES], [...STATUS_LIST_ERROR_CODES, ...VC_JWT_ERROR_CODES]);
  assert.equal(new Set(STATUS_FORMAT_ERROR_CODES).size, STATUS_FORMAT_ERROR_CODES.length);
  for (const code of STATUS_FORMAT_ERROR_CODES) assert.match(code, /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
});

test('throws every listed code somewhere and no code that is not listed', () => {
  assert.deepEqual([...thrown].sort(), [...STATUS_FORMAT_ERROR_CODES].sort());
});
