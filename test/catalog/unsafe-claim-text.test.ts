/**
 * Free-text claims reach people (the wallet's card, the counter's screen): control characters
 * (C0, DEL, C1), format characters (bidi marks, embeddings, overrides, isolates, zero-width)
 * and line/paragraph separators are refused with `invalid_claims` at the field's pointer,
 * unless the type's schema opts in with `x-allow-control-characters`.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemasDir } from '../../src/paths.js';
import { SAFE_TEXT_PATTERN } from '../../src/verdict/unsafe-text.js';
import { validateClaims } from '../../src/catalog/validate-claims.js';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { CatalogError } from '../../src/catalog/error-codes.js';
import { AppError } from '../../src/errors.js';
import type { CredentialType } from '../../src/catalog/types.js';
import { PUBLIC_URL, shippedType, writeCatalog } from './temp-catalog.js';

const UNSAFE: [string, string][] = [
  ['NUL', '\u0000'],
  ['line feed', '\n'],
  ['DEL', '\u007f'],
  ['C1 NEL', '\u0085'],
  ['C1 CSI', '\u009b'],
  ['Arabic letter mark', '\u061c'],
  ['left-to-right mark', '\u200e'],
  ['right-to-left mark', '\u200f'],
  ['LRE', '\u202a'],
  ['RLE', '\u202b'],
  ['PDF', '\u202c'],
  ['LRO', '\u202d'],
  ['RLO', '\u202e'],
  ['LRI', '\u2066'],
  ['RLI', '\u2067'],
  ['FSI', '\u2068'],
  ['PDI', '\u2069'],
  ['zero-width space', '\u200b'],
  ['BOM', '\ufeff'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['private use', '\ue000'],
  ['lone surrogate', '\ud800'],
];

function refusedAt(type: CredentialType, claims: unknown): string[] {
  try {
    validateClaims(type, claims);
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, 'invalid_claims');
    assert.equal(e.status, 400);
    return (e.details?.errors as { pointer: string }[]).map((x) => x.pointer);
  }
  assert.fail('expected invalid_claims');
}

const withOwnerName = (example: unknown, name: string) => {
  const claims = structuredClone(example) as { owners: { name: string }[] };
  claims.owners[1]!.name = name;
  return claims;
};

const noteType = (schemaExtra: Record<string, unknown>, example: Record<string, unknown>) => ({
  id: 'note-card',
  vct: '/vct/note-card/v1',
  name: { ko: '메모', en: 'Note' },
  description: { ko: '메모', en: 'Note' },
  issuing_authority: { ko: '기관', en: 'Agency' },
  validity: { default_days: 30, max_days: 60 },
  person_bound: false,
  formats: ['dc+sd-jwt'],
  claims_schema: {
    type: 'object',
    additionalProperties: false,
    required: ['note', 'title'],
    properties: { note: { type: 'string', maxLength: 500, ...schemaExtra }, title: { type: 'string', maxLength: 50 } },
  },
  selectively_disclosable: ['note'],
  derived_claims: [],
  claim_display: { note: { ko: '메모', en: 'Note' }, title: { ko: '제목', en: 'Title' } },
  example,
});

let plain: Promise<CredentialType> | undefined;
const plainNote = () =>
  (plain ??= loadCatalog({ dir: writeCatalog({ 'note-card.json': noteType({}, { note: 'n', title: 't' }) }), publicUrl: PUBLIC_URL }).then(
    (c) => c.get('note-card')!,
  ));

describe('free-text claims with unsafe characters', () => {
  for (const [label, ch] of UNSAFE) {
    it(`refuses ${label} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) in a nested free-text claim and in a top-level one`, async () => {
      const building = await shippedType('building-register');
      assert.deepEqual(refusedAt(building, withOwnerName(building.example, `김도현${ch}`)), ['/owners/1/name']);
      // `title` has no pattern of its own: the default rule is what refuses it.
      assert.deepEqual(refusedAt(await plainNote(), { note: 'ok', title: `제${ch}목` }), ['/title']);
    });
  }

  it('accepts ordinary Korean and Latin text, ideographic and no-break spaces, and punctuation', async () => {
    const building = await shippedType('building-register');
    for (const name of ['김도현', 'Ko Min-jun', '주식회사 한빛\u3000(대표)', 'Dr.\u00a0Lee · 이', '𠮷野家']) {
      assert.equal(
        (validateClaims(building, withOwnerName(building.example, name)) as { owners: { name: string }[] }).owners[1]!.name,
        name,
      );
    }
  });

  it('names every bad field at once, and a field the type pattern already refused only once', async () => {
    const rid = await shippedType('resident-id');
    const claims = structuredClone(rid.example) as Record<string, unknown> & { address: Record<string, unknown> };
    claims.given_name = '\u202e서연';
    claims.address.street_address = `서울 종로구\u0085세종대로 1`;
    assert.deepEqual(refusedAt(rid, claims).sort(), ['/address/street_address', '/given_name']);
  });
});

describe('x-allow-control-characters', () => {
  it('lets a type allow line breaks and bidi marks in one claim, and only there', async () => {
    const catalog = await loadCatalog({
      dir: writeCatalog({ 'note-card.json': noteType({ 'x-allow-control-characters': true }, { note: 'a\nb', title: 't' }) }),
      publicUrl: PUBLIC_URL,
    });
    const note = catalog.get('note-card')!;
    assert.equal((validateClaims(note, { note: '첫 줄\n\u200f둘째 줄', title: '제목' }) as { note: string }).note, '첫 줄\n\u200f둘째 줄');
    assert.deepEqual(refusedAt(note, { note: 'ok', title: '제\n목' }), ['/title']);
  });

  it('stops the server at boot when an example carries such characters without the opt-in', async () => {
    await assert.rejects(
      loadCatalog({ dir: writeCatalog({ 'note-card.json': noteType({}, { note: 'a\u202eb', title: 't' }) }), publicUrl: PUBLIC_URL }),
      (e: unknown) => e instanceof CatalogError && e.code === 'catalog_invalid_example' && e.pointer === '/example/note',
    );
  });

  it('must be a boolean (the catalogue schema refuses anything else)', async () => {
    await assert.rejects(
      loadCatalog({
        dir: writeCatalog({ 'note-card.json': noteType({ 'x-allow-control-characters': 'yes' }, { note: 'a', title: 't' }) }),
        publicUrl: PUBLIC_URL,
      }),
      (e: unknown) => e instanceof CatalogError && e.code === 'catalog_schema_violation',
    );
  });
});

it('the Purpose API schema refuses exactly the characters free-text claims refuse', () => {
  const purpose = JSON.parse(readFileSync(join(schemasDir, 'api', 'purpose.json'), 'utf8')) as {
    properties: Record<string, { pattern: string }>;
  };
  assert.deepEqual(
    Object.values(purpose.properties).map((p) => p.pattern),
    [SAFE_TEXT_PATTERN, SAFE_TEXT_PATTERN],
  );
});
