/**
 * The web wallet's own refusals while receiving an offer and answering a request, and its failures
 * reading the cards it keeps (sd-jwt.ts), its storage (wallet-db.ts) and their status lists
 * (card-status.ts), are sentences in the page's language: every `new WalletError(code, …)`,
 * `new MdocError(…)`, `new SdJwtUnreadable(fault, …)` and `new Error(…)` in those modules passes its message through
 * `t(ko, en)` or `tx(…)`, and
 * a Korean literal given to `t` reads as Korean (Hangul, no snake_case code). A bare English
 * string would reach a Korean reader as the page's general "could not be completed" sentence
 * (describeError hides English in Korean), never saying what happened or what to do.
 * The browser half (the sentence a Korean reader sees) is in test/browser/page-refusals.test.ts.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..', '..');
const FILES = ['receive-offer.ts', 'openid4vp.ts', 'mdoc.ts', 'sd-jwt.ts', 'wallet-db.ts', 'card-status.ts', 'history.ts'].map((f) =>
  join('src', 'web', 'wallet', f),
);
/** The error classes and which argument is the message a person reads. */
const MESSAGE_ARG: Record<string, number> = { WalletError: 1, MdocError: 0, SdJwtUnreadable: 1, Error: 0 };
const HANGUL = /[\uAC00-\uD7A3]/;
const RAW_CODE = /[A-Za-z0-9]_[A-Za-z0-9]/;

interface Found {
  where: string;
  problem: string;
}

/** The literal text of a string or template literal (template parts joined), else undefined. */
function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('');
  return undefined;
}

function checkMessage(arg: ts.Expression | undefined, where: string): string | undefined {
  if (arg === undefined) return 'no message';
  if (!ts.isCallExpression(arg) || !ts.isIdentifier(arg.expression) || !['t', 'tx'].includes(arg.expression.text))
    return `message is not t(…)/tx(…): ${arg.getText().slice(0, 80)}`;
  if (arg.expression.text === 't') {
    const ko = arg.arguments[0];
    const text = ko && literalText(ko);
    if (text !== undefined && !HANGUL.test(text)) return `the Korean is not Korean: ${text}`;
    if (text !== undefined && RAW_CODE.test(text)) return `the Korean names a code: ${text}`;
    if (
      ko &&
      ts.isTemplateExpression(ko) &&
      ko.templateSpans.some((s) => !/^(location\.origin|u\.origin|err\.message)$/.test(s.expression.getText()))
    )
      return `the Korean interpolates a protocol value (${where})`;
  }
  return undefined;
}

async function refusalsIn(file: string): Promise<{ count: number; found: Found[] }> {
  const source = ts.createSourceFile(file, await readFile(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text in MESSAGE_ARG) {
      count++;
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const where = `${file}:${line}`;
      const problem = checkMessage(node.arguments?.[MESSAGE_ARG[node.expression.text]!], where);
      if (problem) found.push({ where, problem });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { count, found };
}

it('every refusal of the wallet’s receive, present, storage and card modules is t(ko, en) or tx(…), its Korean in Korean', async () => {
  const found: Found[] = [];
  let count = 0;
  for (const file of FILES) {
    const r = await refusalsIn(file);
    count += r.count;
    found.push(...r.found);
  }
  assert.ok(count > 30, `only ${count} refusals found: the scan no longer sees them`);
  assert.deepEqual(found, []);
});

/**
 * Latin words the Korean of the wallet's sentences may use: the names of standards and formats a
 * Korean page prints as they are (test/browser/korean-pages.test.ts allows the same on the page),
 * and the schemes of the links a person pastes. `mdoc` is none: a Korean reader is told "ISO 규격
 * 모바일 신분증" (as the verifier's presets say), not a Latin word.
 */
const KOREAN_MAY_SAY = new Set(
  ['QR', 'ISO', 'SD-JWT', 'VC', 'OpenID4VP', 'openid4vp', 'openid-credential-offer'].map((w) => w.toLowerCase()),
);

it('the Korean the wallet shows (every t(ko, en) of its modules and page) names no Latin word but a standard’s, a format’s or a link scheme', async () => {
  const found: string[] = [];
  let count = 0;
  for (const file of [...FILES, join('src', 'web', 'wallet', 'main.ts')]) {
    const source = ts.createSourceFile(file, await readFile(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't') {
        const ko = node.arguments[0];
        const text = ko && literalText(ko);
        if (text !== undefined) {
          count++;
          for (const word of text.match(/[A-Za-z][A-Za-z0-9+_.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? [])
            if (!KOREAN_MAY_SAY.has(word.toLowerCase()))
              found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${word} ← ${text}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  assert.ok(count > 100, `only ${count} Korean sentences found: the scan no longer sees them`);
  assert.deepEqual(found, []);
});
