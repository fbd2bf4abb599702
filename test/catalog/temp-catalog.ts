/** Test helpers: the shipped catalogue, and throw-away catalogue folders under os.tmpdir(). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemasDir } from '../../src/paths.js';
import { loadCatalog } from '../../src/catalog/load-catalog.js';
import type { Catalog, CredentialType } from '../../src/catalog/types.js';

export const SHIPPED_DIR = join(schemasDir, 'credentials');
export const PUBLIC_URL = 'https://proof.example.kr';

let shipped: Promise<Catalog> | undefined;
export const shippedCatalog = (): Promise<Catalog> => (shipped ??= loadCatalog({ dir: SHIPPED_DIR, publicUrl: PUBLIC_URL }));

export async function shippedType(id: string): Promise<CredentialType> {
  const type = (await shippedCatalog()).get(id);
  if (!type) throw new Error(`no shipped type ${id}`);
  return type;
}

/** Writes `files` (name → JSON value, or raw text) into a fresh temporary folder. */
export function writeCatalog(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dproof-catalog-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const name = { type: 'string', pattern: '^[가-힣]{1,20}$', maxLength: 20 };

/** A type file as tests edit it: the members they change are typed, the rest is open. */
export interface TestTypeFile {
  [member: string]: unknown;
  claims_schema: { type: string; additionalProperties: boolean; required: string[]; properties: Record<string, unknown> };
  selectively_disclosable: string[];
  derived_claims: string[];
  claim_display: Record<string, unknown>;
  example: Record<string, unknown>;
}

/** A small valid person-bound type; tests break one field at a time. */
export function minimalType(id = 'test-card'): TestTypeFile {
  return {
    id,
    vct: `/vct/${id}/v1`,
    name: { ko: '시험 증명서', en: 'Test certificate' },
    description: { ko: '시험용입니다.', en: 'For tests.' },
    issuing_authority: { ko: '행정안전부', en: 'Ministry of the Interior and Safety' },
    validity: { default_days: 30, max_days: 90 },
    person_bound: true,
    formats: ['dc+sd-jwt'],
    claims_schema: {
      type: 'object',
      additionalProperties: false,
      required: ['family_name', 'given_name', 'birth_date'],
      properties: {
        family_name: name,
        given_name: name,
        birth_date: { type: 'string', format: 'date', maxLength: 10 },
        remarks: { type: 'string', maxLength: 100 },
      },
    },
    selectively_disclosable: ['family_name', 'given_name', 'birth_date'],
    derived_claims: ['age_over_19'],
    claim_display: {
      family_name: { ko: '성', en: 'Family name' },
      given_name: { ko: '이름', en: 'Given name' },
      birth_date: { ko: '생년월일', en: 'Date of birth' },
      remarks: { ko: '비고', en: 'Remarks' },
      age_over_19: { ko: '19세 이상', en: 'Aged 19 or over' },
    },
    example: { family_name: '홍', given_name: '길동', birth_date: '2000-01-01' },
  };
}
