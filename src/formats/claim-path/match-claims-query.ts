/**
 * OpenID4VP 1.0 §6.4.1 "Selecting Claims" for one credential: which entries of a Credential
 * Query's `claims` it can answer, honouring `values` (§6.3) and `claim_sets`. The verifier runs it
 * on what was presented; the wallets run it on what they hold, to offer exactly that and no more.
 */
import type { JsonValue } from '../jose/types.js';
import type { ClaimPathPointer } from './claim-path-pointer.js';
import { processClaimPath } from './process-claim-path.js';

export type ClaimValue = string | number | boolean;

export interface ClaimsQueryEntry {
  path: ClaimPathPointer;
  /** §6.3 `values`: the claim counts only when one selected value equals one of these (type and value). */
  values?: readonly ClaimValue[] | undefined;
}

export type ClaimsMatch = { ok: true; chosen: number[] } | { ok: false; code: 'claim_missing' | 'claim_value_mismatch' };

/** §6.3: "the type and value of the claim both match exactly for at least one of the elements". */
export function matchesValues(selected: readonly JsonValue[], values: readonly ClaimValue[] | undefined): boolean {
  if (!values) return true;
  return selected.some((v) => values.some((allowed) => typeof v === typeof allowed && v === allowed));
}

/**
 * Indexes of `claims` to present. Without `claimSets` every entry must be present (else
 * `claim_missing`) with an accepted value (else `claim_value_mismatch`); with `claimSets` (indexes
 * into `claims`) the first option fully satisfied wins, none satisfied is `claim_missing`.
 */
export function matchClaimsQuery(
  credential: JsonValue,
  claims: readonly ClaimsQueryEntry[],
  claimSets?: readonly (readonly number[])[],
): ClaimsMatch {
  const present = claims.map((q) => processClaimPath(credential, q.path));
  const has = (i: number): boolean => present[i]?.ok === true;
  const valueOk = (i: number): boolean => {
    const r = present[i];
    return r !== undefined && r.ok && matchesValues(r.selected, claims[i]!.values);
  };
  if (claimSets && claimSets.length > 0) {
    // "the Wallet SHOULD return the first option that it can satisfy"; a value mismatch is treated
    // as if the claim did not exist (§6.4.1), so it makes an option unsatisfied.
    const option = claimSets.find((o) => o.every((i) => has(i) && valueOk(i)));
    return option ? { ok: true, chosen: [...option] } : { ok: false, code: 'claim_missing' };
  }
  const all = claims.map((_, i) => i);
  if (!all.every(has)) return { ok: false, code: 'claim_missing' };
  if (!all.every(valueOk)) return { ok: false, code: 'claim_value_mismatch' };
  return { ok: true, chosen: all };
}
