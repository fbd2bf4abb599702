/**
 * The compiled server skips proving a catalogue it proved before (dist/.catalog-checked), and
 * only that: a changed byte is a full proof again, so a bad type file still stops a start, and
 * a skipped proof still validates claims (the validator is compiled on first use). Runs the
 * compiled modules (dist/src), as the server does; from source no stamp is kept.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED } from '../helpers/spawn-server.js';
import { SHIPPED_DIR, writeCatalog } from './temp-catalog.js';

type LoadCatalog = typeof import('../../src/catalog/load-catalog.js').loadCatalog;
type ValidateClaims = typeof import('../../src/catalog/validate-claims.js').validateClaims;

const compiled = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(COMPILED, path)).href)) as T;
const STAMP = join(COMPILED, '..', '.catalog-checked');
const PUBLIC_URL = 'https://stamp.example.kr';

function copyOfShipped(): string {
  const files = Object.fromEntries(
    readdirSync(SHIPPED_DIR)
      .filter((n) => n.endsWith('.json'))
      .map((n) => [n, readFileSync(join(SHIPPED_DIR, n), 'utf8')]),
  );
  return writeCatalog(files);
}

describe('catalogue proof stamp (compiled server)', () => {
  it('stamps a proved catalogue, proves it again after any change, and still validates claims when the proof was skipped', async () => {
    const { loadCatalog } = await compiled<{ loadCatalog: LoadCatalog }>('catalog/load-catalog.js');
    const { validateClaims } = await compiled<{ validateClaims: ValidateClaims }>('catalog/validate-claims.js');
    const dir = copyOfShipped();

    await loadCatalog({ dir, publicUrl: PUBLIC_URL });
    const stamp = readFileSync(STAMP, 'utf8').trim();
    assert.match(stamp, /^[0-9a-f]{64}$/);

    // Same bytes: the proof is skipped, and the type's claims validator works on first use.
    const again = await loadCatalog({ dir, publicUrl: PUBLIC_URL });
    assert.equal(readFileSync(STAMP, 'utf8').trim(), stamp);
    const type = again.get('civil-servant-id');
    assert.ok(type);
    assert.ok(validateClaims(type, type.example));
    assert.throws(
      () => validateClaims(type, { ...(type.example as object), unexpected_claim: 'x' }),
      (e: unknown) => (e as { code?: string }).code === 'invalid_claims',
    );
    // Another PUBLIC_URL: the checks that read it ran; the proof of the bytes still holds.
    const elsewhere = await loadCatalog({ dir, publicUrl: 'https://other.example.kr' });
    assert.equal(readFileSync(STAMP, 'utf8').trim(), stamp);
    assert.ok(elsewhere.get('civil-servant-id')?.vct.startsWith('https://other.example.kr/'));

    // One changed file (its example breaks its own schema): a new fingerprint, a full proof, a refusal.
    const file = join(dir, `${type.id}.json`);
    const edited = JSON.parse(readFileSync(file, 'utf8')) as { example: Record<string, unknown> };
    edited.example.unexpected_claim = 'x';
    writeFileSync(file, JSON.stringify(edited, null, 2));
    await assert.rejects(
      () => loadCatalog({ dir, publicUrl: PUBLIC_URL }),
      (e: unknown) => (e as { code?: string }).code === 'catalog_invalid_example',
    );
  });
});
