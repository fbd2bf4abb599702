import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CATALOGUE, ERROR_CODES, isErrorCode } from '../../src/errors.js';
import { ROOT } from '../helpers/spawn-server.js';

const walk = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });

/** Calls that take an error code as their (first or second, after a status) argument. */
const EMITTERS =
  /\b(?:badRequest|unauthorized|forbidden|notFound|conflict|unavailable|appError|formatError|statusFormatError|tokenError|credentialError|bearerError|refuse|problem|new AppError|new FormatError|new CatalogError|new VerificationFailed|new StatusCheckFailed)\(\s*(?:\d{3},\s*)?'([a-z0-9_]+)'/g;
/** `code: '...'` members of the error handler's tables. */
const TABLE_CODES = /\bcode: '([a-z0-9_]+)'/g;

const SELF = join(ROOT, 'test', 'project', 'error-catalogue.test.ts');
const testSources = walk(join(ROOT, 'test'), '.ts')
  .filter((f) => f !== SELF)
  .map((f) => readFileSync(f, 'utf8'));

/**
 * Codes no test asserts yet, each with the reason. Aim: empty. A code leaves this list when a
 * test asserts it (the last test below fails while a listed code is asserted somewhere).
 */
const NOT_ASSERTED: Record<string, string> = {
  web_not_built: 'needs the web bundle absent, and dist/web is one fixed folder the browser and page suites use at the same time',
  alg_not_supported: 'needs a PKCS#11 token without EdDSA or ES256; SoftHSM 2 (the HSM suites) offers both',
  status_slots_exhausted: '16 random slot collisions in a row; reaching it needs a full status list (131,072 credentials) or a store stub',
};

describe('the error catalogue', () => {
  it('has well-formed, unique codes, each with a meaning and an area', () => {
    for (const code of ERROR_CODES) {
      assert.match(code, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, code);
      const e = ERROR_CATALOGUE[code];
      assert.ok(e.en.length > 0 && e.area.length > 0, code);
      for (const s of e.http) assert.ok(s >= 400 && s < 600, `${code}: ${s}`);
    }
  });

  it('holds every code the source emits through an error helper', () => {
    const missing: string[] = [];
    for (const file of walk(join(ROOT, 'src'), '.ts')) {
      const text = readFileSync(file, 'utf8');
      for (const m of [...text.matchAll(EMITTERS), ...(file.includes(join('src', 'http')) ? text.matchAll(TABLE_CODES) : [])]) {
        if (!isErrorCode(m[1]!)) missing.push(`${relative(ROOT, file)}: ${m[1]}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('documents every code in the README or the OpenAPI document', () => {
    const docs = readFileSync(join(ROOT, 'README.md'), 'utf8') + readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8');
    assert.deepEqual(
      ERROR_CODES.filter((c) => !docs.includes(`\`${c}\``)),
      [],
    );
  });

  it('has every code asserted by a test, or listed with its reason', () => {
    const asserted = (c: string) => testSources.some((t) => t.includes(`'${c}'`) || t.includes(`"${c}"`) || t.includes(`\`${c}\``));
    assert.deepEqual(
      ERROR_CODES.filter((c) => !asserted(c) && !Object.hasOwn(NOT_ASSERTED, c)),
      [],
    );
    assert.deepEqual(
      Object.keys(NOT_ASSERTED).filter((c) => asserted(c)),
      [],
      'asserted now: take these off NOT_ASSERTED',
    );
    assert.deepEqual(
      Object.keys(NOT_ASSERTED).filter((c) => !isErrorCode(c)),
      [],
      'not catalogued: take these off NOT_ASSERTED',
    );
  });
});
