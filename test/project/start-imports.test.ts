/**
 * What a start loads: the packages below are imported with `import()` where first needed, never
 * reachable by static imports from what every start loads (src/server.ts, and the app and API docs
 * it imports). Loading them at start
 * costs every start (`@owf/mdoc` builds its zod schemas while it loads: ~100 ms of a cold start,
 * issue 22's ≤ 0.5 s) and every process's memory, on servers that may never use them.
 *
 * The graph is read from the sources with TypeScript's parser: `import type`, type-only
 * specifiers and `import()` expressions are not edges; `export … from` is.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/spawn-server.js';

/** Loaded on first use only: mdoc (and zod under it), the HSM binding, PostgreSQL, Redis, QR drawing. */
const LOADED_ON_FIRST_USE = ['@owf/mdoc', 'zod', 'pkcs11js', 'pg', 'ioredis', 'qrcode'];

/** The static (value) imports of one source file: relative ones as files, the rest as package names. */
function staticImports(file: string): { files: string[]; packages: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const files: string[] = [];
  const packages: string[] = [];
  const add = (specifier: string) => {
    if (specifier.startsWith('.')) {
      const tsFile = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
      files.push(existsSync(tsFile) ? tsFile : resolve(dirname(file), specifier, 'index.ts'));
    } else if (!specifier.startsWith('node:')) {
      const parts = specifier.split('/');
      packages.push(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  };
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) {
      const clause = s.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(s.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) && !s.isTypeOnly) {
      add(s.moduleSpecifier.text);
    }
  }
  return { files, packages };
}

/** Every package reachable from `entries` by static imports, with one path of files that reaches it. */
function reachablePackages(entries: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const seen = new Set<string>(entries);
  const queue: [file: string, path: string[]][] = entries.map((e) => [e, [e]]);
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [file, path] = next;
    const { files, packages } = staticImports(file);
    for (const p of packages) if (!found.has(p)) found.set(p, path);
    for (const f of files)
      if (!seen.has(f)) {
        seen.add(f);
        queue.push([f, [...path, f]]);
      }
  }
  return found;
}

describe('what the server loads at start', () => {
  // server.ts imports the app and the API docs with import() on every start, beside the store's opening.
  const reachable = reachablePackages(['server.ts', 'app.ts', 'http/openapi.ts'].map((f) => join(ROOT, 'src', f)));

  it('reads the graph (the packages every start needs are in it)', () => {
    for (const p of ['fastify', 'jose', 'better-sqlite3', 'kysely', 'cbor-x']) assert.ok(reachable.has(p), p);
  });

  for (const p of LOADED_ON_FIRST_USE)
    it(`imports ${p} only where it is first needed`, () => {
      const path = reachable.get(p);
      assert.equal(path, undefined, `${p} is reached at start by ${path?.map((f) => relative(ROOT, f)).join(' → ')}`);
    });
});
