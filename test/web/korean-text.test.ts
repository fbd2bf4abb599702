/**
 * Korean that reads as Korean (issue 20): the Korean UI text — the pages' sources, the clerk's
 * sentences, the error catalogue's `ko` fields and the credential catalogue — uses the one
 * vocabulary of src/verdict/glossary.ts (no 취소 for revoke, no 퇴역), never a mechanical particle
 * such as 이(가), and every claim hint the console shows in Korean is written in Korean.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AVOIDED_KOREAN } from '../../src/verdict/glossary.js';
import { ERROR_CATALOGUE } from '../../src/errors.js';
import { clerkMessage } from '../../src/verdict/clerk-messages.js';
import { CHECK_NAMES } from '../../src/verdict/check-names.js';

const root = join(import.meta.dirname, '..', '..');
const HANGUL = /[\uAC00-\uD7A3]/;

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => join(e.parentPath, e.name));
}

/** Every place an avoided word occurs in `text`, as "where: word (why)". */
const avoidedIn = (where: string, text: string): string[] =>
  AVOIDED_KOREAN.filter(({ word }) => text.includes(word)).map(({ word, why }) => `${where}: ${word} (${why})`);

interface TypeFile {
  id: string;
  name: { ko: string };
  description: { ko: string };
  issuing_authority: { ko: string };
  claims_schema: Schema;
  claim_display: Record<string, { ko: string; en: string }>;
  claim_descriptions?: Record<string, { ko: string; en: string }>;
}
interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

async function readTypes(): Promise<TypeFile[]> {
  const files = await filesUnder(join(root, 'schemas', 'credentials'), '.json');
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as TypeFile));
}

/** Claim paths (`a.b`, `a[]`, `a[].b`) whose JSON Schema has a description. */
function describedPaths(s: Schema, path = ''): string[] {
  const here = path && s.description ? [path] : [];
  const below = Object.entries(s.properties ?? {}).flatMap(([name, child]) => describedPaths(child, path ? `${path}.${name}` : name));
  return [...here, ...below, ...(s.items ? describedPaths(s.items, `${path}[]`) : [])];
}

it('the pages use no avoided Korean word (취소, 퇴역, 이(가), 을(를), 은(는) …)', async () => {
  const files = await filesUnder(join(root, 'src', 'web'), '.ts');
  const found: string[] = [];
  for (const f of files) found.push(...avoidedIn(relative(root, f), await readFile(f, 'utf8')));
  assert.deepEqual(found, []);
});

it("the API's Korean messages and the clerk's sentences use no avoided word", () => {
  const found: string[] = [];
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
    const ko = (entry as { ko?: string }).ko;
    if (ko !== undefined) found.push(...avoidedIn(`error ${code}`, ko));
    if (ko !== undefined) assert.match(ko, HANGUL, `error ${code}: its ko text is not Korean`);
    found.push(...avoidedIn(`clerk ${code}`, clerkMessage(code, undefined).ko));
  }
  for (const check of CHECK_NAMES) found.push(...avoidedIn(`clerk check ${check}`, clerkMessage('-', check).ko));
  assert.deepEqual(found, []);
});

it('the credential catalogue’s Korean names, labels and hints use no avoided word', async () => {
  const found: string[] = [];
  for (const ty of await readTypes()) {
    const texts = [
      ty.name.ko,
      ty.description.ko,
      ty.issuing_authority.ko,
      ...Object.values(ty.claim_display).map((x) => x.ko),
      ...Object.values(ty.claim_descriptions ?? {}).map((x) => x.ko),
    ];
    for (const text of texts) found.push(...avoidedIn(ty.id, text));
  }
  assert.deepEqual(found, []);
});

it('every claim with a hint has a Korean one written in Korean, not ASCII, so the form in Korean shows no English', async () => {
  const problems: string[] = [];
  for (const ty of await readTypes()) {
    for (const path of describedPaths(ty.claims_schema)) {
      const ko = ty.claim_descriptions?.[path]?.ko;
      if (ko === undefined) problems.push(`${ty.id} ${path}: no Korean description`);
      else if (!HANGUL.test(ko)) problems.push(`${ty.id} ${path}: Korean description is ASCII only: ${ko}`);
    }
    for (const [path, label] of Object.entries(ty.claim_display)) {
      if (!HANGUL.test(label.ko)) problems.push(`${ty.id} ${path}: Korean label is not Korean: ${label.ko}`);
    }
  }
  assert.deepEqual(problems, []);
});

it("the clerk's Korean sentences name no format or code in Latin letters (QR and ISO are read as Korean words)", async () => {
  const source = await readFile(join(root, 'src', 'verdict', 'clerk-messages.ts'), 'utf8');
  const sentences = [...source.matchAll(/ko: '([^']*)'/g)].map((m) => m[1]!);
  assert.ok(sentences.length > 20, 'the sentences are read from the source');
  const latin = sentences.filter((s) => /[A-Za-z]+/.test(s.replace(/\b(?:QR|ISO)\b/g, '')));
  assert.deepEqual(latin, []);
});
