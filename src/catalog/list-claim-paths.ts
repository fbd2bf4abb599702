/**
 * Claim paths, the catalogue's way to name a claim inside a credential: member names joined by
 * dots, `[]` for every element of an array (`address.street_address`, `driving_privileges[]`,
 * `driving_privileges[].issue_date`). They map one to one onto SD-JWT VC claim `path` arrays,
 * where `[]` becomes `null` (draft-ietf-oauth-sd-jwt-vc, "Claim Path").
 */
import { parseClaimPathName } from '../formats/claim-path/claim-path-name.js';
import type { ClaimSchema, ClaimsSchema } from './types.js';

/** One path the claims schema allows, with the schema of the value found there. */
export interface ClaimPathInfo {
  readonly path: string;
  readonly schema: ClaimSchema;
  /**
   * True when every member on the way is required and no array is crossed: the claim is in every
   * credential of the type (SD-JWT VC claim metadata `mandatory`).
   */
  readonly mandatory: boolean;
}

/** Grammar of a claim path; the meta-schema uses the same pattern. */
export const CLAIM_PATH = /^[a-z][a-z0-9_]*(\[\])*(\.[a-z][a-z0-9_]*(\[\])*)*$/;

/** `driving_privileges[].issue_date` → `['driving_privileges', null, 'issue_date']`. */
export function parseClaimPath(path: string): (string | null)[] {
  const pointer = CLAIM_PATH.test(path) ? parseClaimPathName(path) : undefined;
  if (!pointer) throw new TypeError(`not a claim path: ${path}`);
  return pointer as (string | null)[]; // the grammar above admits no index
}

/**
 * The path of the object that holds the last member of `path` (`''` = the credential root);
 * `undefined` when the path ends in `[]` (an array element, held by an array, not an object).
 */
export function parentObjectPath(path: string): string | undefined {
  if (path.endsWith('[]')) return undefined;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

/** Every path the schema allows, depth first in declaration order. */
export function listClaimPaths(schema: ClaimsSchema): ClaimPathInfo[] {
  const out: ClaimPathInfo[] = [];
  const visit = (s: ClaimSchema, path: string, mandatory: boolean): void => {
    out.push({ path, schema: s, mandatory });
    walk(s, path, mandatory);
  };
  const walk = (s: ClaimSchema, path: string, mandatory: boolean): void => {
    if (s.type === 'object') {
      const required = new Set(s.required ?? []);
      for (const [name, child] of Object.entries(s.properties ?? {})) {
        visit(child, path === '' ? name : `${path}.${name}`, mandatory && required.has(name));
      }
    } else if (s.type === 'array' && s.items) {
      visit(s.items, `${path}[]`, false);
    }
  };
  walk(schema, '', true);
  return out;
}
