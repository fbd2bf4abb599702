/**
 * Reads the credential catalogue: every `*.json` in `dir` is one credential type (DESIGN.md,
 * "Catalogue, not code"). Each file is checked against schemas/credential-type.schema.json,
 * then against the cross-field rules of check-credential-type.ts; its claims validator is
 * compiled once and its example validated with it. Any fault throws a CatalogError whose message
 * names the file and the JSON pointer of the field, and the server refuses to start. A compiled
 * server skips that ajv work when the same bytes were proved before (checked-stamp.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { schemasDir } from '../paths.js';
import { checkCredentialType, type CredentialTypeFile } from './check-credential-type.js';
import { createAjv, type Ajv } from './create-ajv.js';
import { describeAjvErrors, type FieldError } from './describe-ajv-errors.js';
import { CatalogError } from './error-codes.js';
import { findRrnValue } from './find-rrn.js';
import { findUnsafeText } from './find-unsafe-text.js';
import { compileClaimsValidator } from './validate-claims.js';
import { catalogFingerprint, markChecked, wasChecked } from './checked-stamp.js';
import type { Catalog, ClaimsSchema, CredentialType } from './types.js';
import { listClaimPaths } from './list-claim-paths.js';

export const CREDENTIAL_TYPE_SCHEMA_FILE = join(schemasDir, 'credential-type.schema.json');

export interface LoadCatalogOptions {
  /** Folder of type files, normally schemas/credentials. */
  readonly dir: string;
  /** PUBLIC_URL (absolute http(s), no trailing slash needed): the base of every `vct`. */
  readonly publicUrl: string;
}

/** Throws the first ajv error at its pointer (under `prefix`), listing the others after it. */
function throwFieldErrors(
  code: 'catalog_schema_violation' | 'catalog_invalid_example',
  file: string,
  prefix: string,
  errors: readonly FieldError[],
): never {
  const [first, ...rest] = errors;
  const also = rest.map((e) => `${prefix}${e.pointer} ${e.message}`).join('; ');
  throw new CatalogError(code, file, `${prefix}${first?.pointer ?? ''}`, (first?.message ?? 'is invalid') + (also ? `; also ${also}` : ''));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CatalogError('catalog_unreadable', file, '', e instanceof Error ? e.message : String(e));
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CatalogError('catalog_unreadable', file, '', e instanceof Error ? e.message : String(e));
  }
}

function baseUrl(publicUrl: string, dir: string): string {
  const ok = URL.canParse(publicUrl) && /^https?:$/.test(new URL(publicUrl).protocol);
  if (!ok) throw new CatalogError('catalog_bad_public_url', dir, '', `PUBLIC_URL "${publicUrl}" is not an absolute http(s) URL`);
  return publicUrl.replace(/\/+$/, '');
}

/** Paths whose mdoc element value is a full-date or a byte string, from the claims schema. */
function mdocEncodings(schema: ClaimsSchema): Record<string, 'full-date' | 'bytes'> {
  const out: Record<string, 'full-date' | 'bytes'> = {};
  for (const { path, schema: s } of listClaimPaths(schema)) {
    if (s.type === 'string' && s.format === 'date') out[path] = 'full-date';
    else if (s.type === 'string' && s.contentEncoding === 'base64url') out[path] = 'bytes';
  }
  return out;
}

function toCredentialType(t: CredentialTypeFile, file: string, base: string): CredentialType {
  const derived = t.derived_claims.filter((d) => !t.selectively_disclosable.includes(d));
  return {
    id: t.id,
    vct: base + t.vct,
    vctPath: t.vct,
    name: t.name,
    description: t.description,
    issuingAuthority: t.issuing_authority,
    validity: { defaultDays: t.validity.default_days, maxDays: t.validity.max_days },
    personBound: t.person_bound,
    formats: t.formats,
    ...(t.mdoc && { mdoc: { ...t.mdoc, encodings: mdocEncodings(t.claims_schema) } }),
    claimsSchema: t.claims_schema,
    selectivelyDisclosable: Object.freeze([...t.selectively_disclosable, ...derived]),
    derivedClaims: t.derived_claims,
    claimDisplay: t.claim_display,
    claimDescriptions: t.claim_descriptions ?? {},
    example: t.example,
    file,
  };
}

/** Compiles the type's claims validator and proves its example against it. */
function checkExample(type: CredentialType, ajv: Ajv): void {
  let validate;
  try {
    validate = compileClaimsValidator(type, ajv);
  } catch (e) {
    throw new CatalogError('catalog_invalid_claims_schema', type.file, '/claims_schema', e instanceof Error ? e.message : String(e));
  }
  if (!validate(type.example)) throwFieldErrors('catalog_invalid_example', type.file, '/example', describeAjvErrors(validate.errors));
  if (JSON.stringify(type.example) !== JSON.stringify(type.example).normalize('NFC')) {
    throw new CatalogError('catalog_invalid_example', type.file, '/example', 'text must be in Unicode NFC');
  }
  const unsafe = findUnsafeText(type.example, type.claimsSchema);
  if (unsafe.length > 0) throwFieldErrors('catalog_invalid_example', type.file, '/example', unsafe);
  const rrnAt = findRrnValue(type.example, type.claimsSchema);
  if (rrnAt !== undefined) {
    throw new CatalogError('catalog_rrn_claim', type.file, `/example${rrnAt}`, 'looks like a resident registration number');
  }
}

/** Throws when another file already took `key` (ids are checked before the file-name rule, so two files claiming one id say so). */
function claimUnique(
  taken: Map<string, CredentialType>,
  key: string,
  file: string,
  code: 'catalog_duplicate_id' | 'catalog_duplicate_vct',
): void {
  const other = taken.get(key);
  const pointer = code === 'catalog_duplicate_id' ? '/id' : '/vct';
  if (other !== undefined) throw new CatalogError(code, file, pointer, `"${key}" is also used by ${other.file}`);
}

export async function loadCatalog({ dir, publicUrl }: LoadCatalogOptions): Promise<Catalog> {
  const base = baseUrl(publicUrl, dir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new CatalogError('catalog_unreadable', dir, '', e instanceof Error ? e.message : String(e));
  }
  if (names.length === 0) throw new CatalogError('catalog_empty', dir, '', 'no credential type file (*.json)');

  const metaText = await readText(CREDENTIAL_TYPE_SCHEMA_FILE);
  const files = await Promise.all(names.map(async (name) => ({ name, text: await readText(join(dir, name)) })));
  // Unchanged bytes were proved at an earlier start (checked-stamp.ts): skip the ajv work.
  const fingerprint = catalogFingerprint(files, metaText);
  const proved = wasChecked(fingerprint);
  const ajv = proved ? undefined : createAjv();
  const validateFile = proved
    ? undefined
    : createAjv({ strictRequired: false }).compile(parseJson(CREDENTIAL_TYPE_SCHEMA_FILE, metaText) as object);
  const byId = new Map<string, CredentialType>();
  const byVct = new Map<string, CredentialType>();
  for (const { name, text } of files) {
    const file = join(dir, name);
    const raw = parseJson(file, text);
    if (validateFile && !validateFile(raw)) throwFieldErrors('catalog_schema_violation', file, '', describeAjvErrors(validateFile.errors));
    const typeFile = raw as unknown as CredentialTypeFile;
    claimUnique(byId, typeFile.id, file, 'catalog_duplicate_id');
    checkCredentialType(file, typeFile);
    const type = toCredentialType(typeFile, file, base);
    claimUnique(byVct, type.vct, file, 'catalog_duplicate_vct');
    if (ajv) checkExample(type, ajv);
    byId.set(type.id, type);
    byVct.set(type.vct, type);
  }
  if (!proved) markChecked(fingerprint);
  return {
    types: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    get: (id) => byId.get(id),
    getByVct: (vct) => byVct.get(vct),
  };
}
