/**
 * Proving the catalogue at every start (the meta-schema over every type file, then compiling
 * each claims schema with ajv and validating its example) was most of the cold start: 0.8–1.8 s
 * of CPU for 16 types. The proof depends only on bytes: the type files, the meta-schema, the
 * catalogue code that checks them and the ajv release (not PUBLIC_URL: the checks it skips read
 * only the type files; those that use PUBLIC_URL run at every start). So a compiled server that has
 * proved a catalogue writes its fingerprint to `dist/.catalog-checked`, and a later start on the
 * same bytes skips the proof; claims validators are then compiled on first use
 * (validate-claims.ts). Any change to any of those bytes is a new fingerprint and a full proof,
 * so a bad type file still stops the server before it listens.
 *
 * Only the compiled build keeps a stamp (beside the code, in the same trust as the code); run from
 * source (tsx: tests, `npm run dev`) every start proves the catalogue. A stamp that cannot be
 * written (a read-only image) only costs the proof at every start.
 *
 * The catalogue's code is fingerprinted by scripts/build.js (a hash of src/catalog/ written into
 * the build as `__DPROOF_CATALOG_CODE__`): the server runs as a bundle, so this module cannot find
 * "its" folder's compiled files from its own URL.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';

/** Set by scripts/build.js in compiled code only (esbuild `define`); undefined from source. */
declare const __DPROOF_CATALOG_CODE__: string | undefined;
const CATALOG_CODE = typeof __DPROOF_CATALOG_CODE__ === 'string' ? __DPROOF_CATALOG_CODE__ : undefined;
const STAMP = join(projectRoot, 'dist', '.catalog-checked');

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
}

/** The fingerprint of everything the catalogue's proof depends on; undefined when no stamp is kept. */
export function catalogFingerprint(files: readonly { name: string; text: string }[], metaSchemaText: string): string | undefined {
  if (CATALOG_CODE === undefined) return undefined;
  const h = createHash('sha256');
  const part = (s: string) => h.update(`${s.length}:`).update(s);
  part(`ajv ${packageVersion('ajv')} ajv-formats ${packageVersion('ajv-formats')}`);
  part(metaSchemaText);
  part(CATALOG_CODE);
  for (const f of files) {
    part(f.name);
    part(f.text);
  }
  return h.digest('hex');
}

export function wasChecked(fingerprint: string | undefined): boolean {
  if (fingerprint === undefined) return false;
  try {
    return readFileSync(STAMP, 'utf8').trim() === fingerprint;
  } catch {
    return false;
  }
}

export function markChecked(fingerprint: string | undefined): void {
  if (fingerprint === undefined) return;
  const tmp = `${STAMP}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${fingerprint}\n`);
    renameSync(tmp, STAMP);
  } catch {
    /* read-only build: the next start proves the catalogue again */
  }
}
