/**
 * The layering of DESIGN.md ("Which way imports run") is kept by ESLint's import rules: the
 * layering blocks of eslint.config.js. These tests run those rules over src/ (no violation today)
 * and over deliberately bad imports linted as text under each folder's file names: each one must
 * be refused, so a block that stops biting (a typo in a folder name, a rule overridden by a later
 * block) fails here, not in review.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { join, relative, sep } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../helpers/spawn-server.js';

const eslint = new ESLint({ cwd: ROOT, ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' });

/** The import-rule messages ESLint gives `source` as if it were the file at `filePath`. */
async function refusals(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import '${source}';\n`, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const refused: [file: string, source: string, why: RegExp][] = [
  ['src/issuance/fixture.ts', '../http/problem.js', /domain never imports http/],
  ['src/verification/fixture.ts', '../cli/main.js', /domain never imports/],
  ['src/presentation/fixture.ts', '../web/wallet/sd-jwt.js', /domain never imports/],
  ['src/status/fixture.ts', '../wallet/holder-key.js', /domain never imports/],
  ['src/keys/pkcs11/fixture.ts', '../../app.js', /composition root/],
  ['src/catalog/fixture.ts', '../boot.js', /composition root/],
  ['src/clients/fixture.ts', '../http/auth.js', /domain never imports/],
  ['src/store/fixture.ts', '../catalog/load-catalog.js', /store imports no domain module/],
  ['src/store/repositories/fixture.ts', '../../issuance/create-offer.js', /store imports no domain module/],
  ['src/store/migrations/fixture.ts', '../../keys/signer.js', /store imports no domain module/],
  ['src/http/routes/fixture.ts', '../../cli/main.js', /http is a face/],
  ['src/cli/commands/fixture.ts', '../../http/problem.js', /cli is a face/],
  ['src/wallet/fixture.ts', '../store/store.js', /CLI wallet is a client/],
  ['src/wallet/fixture.ts', '../presentation/create-verifier-request.js', /CLI wallet is a client/],
  // The import this layering removed: the verifier page reached into the server's verification code.
  ['src/web/verifier/fixture.ts', '../../verification/verification-types.js', /browser code imports no server module/],
  ['src/web/wallet/fixture.ts', '../../presentation/issue-counter-nonce.js', /browser code imports no server module/],
  ['src/web/wallet/fixture.ts', '../../wallet/holder-key.js', /browser code imports no server module/],
  ['src/web/console/fixture.ts', '../../errors.js', /browser code imports no server module/],
  ['src/web/console/fixture.ts', '../../../package.json', /nothing outside src/],
  ['src/web/shared/fixture.ts', 'node:crypto', /Node built-ins/],
  ['src/holder/fixture.ts', 'node:crypto', /Node built-ins/],
  ['src/holder/fixture.ts', '../errors.js', /shared with browser code/],
  ['src/verdict/fixture.ts', '../verification/verification-types.js', /shared with browser code/],
  ['src/verdict/fixture.ts', '../../scripts/build-web.js', /nothing outside src/],
];

const allowed: [file: string, source: string][] = [
  ['src/issuance/fixture.ts', '../formats/sd-jwt/issue-sd-jwt.js'],
  ['src/issuance/fixture.ts', '../store/store.js'],
  ['src/issuance/fixture.ts', '../keys/signer.js'],
  ['src/presentation/fixture.ts', '../verification/verify-presentation.js'],
  ['src/presentation/fixture.ts', '../http-client/fetch-capped.js'],
  ['src/presentation/fixture.ts', '../holder/counter-challenge-link.js'],
  ['src/store/repositories/fixture.ts', '../../errors.js'],
  ['src/store/fixture.ts', '../clock.js'],
  ['src/http/routes/fixture.ts', '../../presentation/create-verifier-request.js'],
  ['src/cli/commands/fixture.ts', '../../server.js'],
  ['src/cli/commands/fixture.ts', '../../wallet/receive-credentials.js'],
  ['src/wallet/fixture.ts', '../keys/create-signer.js'],
  ['src/wallet/fixture.ts', '../holder/read-offer-link.js'],
  ['src/web/verifier/fixture.ts', '../../verdict/clerk-messages.js'],
  ['src/web/wallet/fixture.ts', '../../holder/counter-challenge-link.js'],
  ['src/web/wallet/fixture.ts', '../../formats/claim-path/claim-path-name.js'],
  ['src/web/wallet/fixture.ts', '../shared/dom.js'],
  ['src/web/wallet/fixture.ts', 'jose'],
  ['src/holder/fixture.ts', '../formats/claim-path/claim-path-pointer.js'],
  ['src/holder/fixture.ts', '../verdict/check-names.js'],
  ['src/verdict/fixture.ts', './check-names.js'],
];

describe('layering (DESIGN.md, "Which way imports run") as ESLint import rules', () => {
  for (const [file, source, why] of refused) {
    it(`refuses ${source} in ${file}`, async () => {
      const messages = await refusals(file, source);
      assert.equal(messages.length, 1, `expected one refusal, got ${JSON.stringify(messages)}`);
      assert.match(messages[0]!, /^no-restricted-imports: /);
      assert.match(messages[0]!, why);
    });
  }

  for (const [file, source] of allowed) {
    it(`allows ${source} in ${file}`, async () => {
      assert.deepEqual(await refusals(file, source), []);
    });
  }

  // The same rules as `npm run lint` (which runs them over src/ before the tests), over each
  // file's module specifiers only: typescript-eslint parsing all of src/ took ~9 s of this file's
  // 10, and the import rules read nothing but the specifiers. TypeScript's own pre-processor lists
  // them (imports, re-exports, `import x = require()`, dynamic `import()`).
  it('finds no import across the layers in src/', async () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'dist' ? [] : walk(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const files = walk(join(ROOT, 'src'));
    assert.ok(files.length > 200, `found only ${files.length} files`);
    let specifiers = 0;
    const violations: string[] = [];
    for (const file of files) {
      const imported = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
      specifiers += imported.length;
      const [result] = await eslint.lintText(imported.map((s) => `import '${s}';\n`).join(''), { filePath: file });
      for (const m of result?.messages ?? []) violations.push(`${relative(ROOT, file)}: ${imported[m.line - 1] ?? '?'}: ${m.message}`);
    }
    assert.deepEqual(violations, []);
    assert.ok(specifiers > 1000, `read only ${specifiers} imports`);
  });

  // The browser and shared-module patterns count `../` to tell "out of this folder" from "out of
  // src": they hold while pages sit at src/web/<page>/*.ts and src/holder, src/verdict are flat.
  it('keeps the folder depth the browser patterns count on', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const depth = (file: string) => relative(join(ROOT, 'src'), file).split(sep).length;
    for (const f of walk(join(ROOT, 'src', 'web'))) assert.equal(depth(f), 3, `${relative(ROOT, f)} is not at src/web/<page>/`);
    for (const folder of ['holder', 'verdict']) {
      for (const f of walk(join(ROOT, 'src', folder))) assert.equal(depth(f), 2, `${relative(ROOT, f)} is not directly in src/${folder}/`);
    }
  });
});
