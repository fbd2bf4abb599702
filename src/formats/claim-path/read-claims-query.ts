/**
 * A wallet's reading of one DCQL Credential Query's `claims` and `claim_sets` (OpenID4VP 1.0
 * §6.1, §6.3): pointers checked (§7), `values` kept, `claim_sets` turned into indexes into
 * `claims`. The verifier has its own strict parser (src/presentation/parse-dcql-query.ts); a
 * wallet only needs to know exactly what is asked, and refuses a request it cannot read.
 */
import { isJsonObject } from '../jose/types.js';
import { isClaimPathPointer } from './claim-path-pointer.js';
import type { ClaimValue, ClaimsQueryEntry } from './match-claims-query.js';

export interface AskedClaims {
  claims: ClaimsQueryEntry[];
  /** Indexes into `claims`, in the verifier's order of preference. */
  claimSets?: number[][];
}

export type ReadClaimsQuery = { ok: true; asked: AskedClaims } | { ok: false; error: string };

const isClaimValue = (v: unknown): v is ClaimValue =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

export function readClaimsQuery(query: unknown): ReadClaimsQuery {
  if (!isJsonObject(query)) return { ok: false, error: 'a credential query is not an object' };
  if (query.claims === undefined) {
    // §6.4.1: no claims = nothing selectively disclosable; claim_sets MUST NOT come without claims.
    return query.claim_sets === undefined ? { ok: true, asked: { claims: [] } } : { ok: false, error: 'claim_sets without claims' };
  }
  if (!Array.isArray(query.claims) || query.claims.length === 0) return { ok: false, error: 'claims is not a non-empty array' };
  const claims: ClaimsQueryEntry[] = [];
  const ids: (string | undefined)[] = [];
  for (const c of query.claims) {
    if (!isJsonObject(c) || !isClaimPathPointer(c.path)) return { ok: false, error: 'a claim path is not a claims path pointer' };
    if (c.values !== undefined && (!Array.isArray(c.values) || c.values.length === 0 || !c.values.every(isClaimValue))) {
      return { ok: false, error: 'values is not a non-empty array of strings, numbers or booleans' };
    }
    claims.push({ path: c.path, values: c.values as ClaimValue[] | undefined });
    ids.push(typeof c.id === 'string' ? c.id : undefined);
  }
  if (query.claim_sets === undefined) return { ok: true, asked: { claims } };
  const sets = query.claim_sets;
  if (!Array.isArray(sets) || sets.length === 0) return { ok: false, error: 'claim_sets is not a non-empty array' };
  const claimSets: number[][] = [];
  for (const option of sets) {
    const indexes = Array.isArray(option) ? option.map((id) => (typeof id === 'string' ? ids.indexOf(id) : -1)) : [];
    if (indexes.length === 0 || indexes.some((i) => i < 0))
      return { ok: false, error: 'a claim_sets option names a claim id the query does not define' };
    claimSets.push(indexes);
  }
  return { ok: true, asked: { claims, claimSets } };
}
