/**
 * Decoy digests (RFC 9901 §4.2.5): how many digests each `_sd` array of a credential should
 * hold, so that the count does not tell a verifier which optional claims the holder has.
 *
 * For every object that holds selectively disclosable members (`''` = the credential root,
 * `address`, `driving_privileges[]` = each element object of that array), take the number of
 * disclosable members the type allows there (at the root this includes the derived claims),
 * round it up to a multiple of 4 and add 2:
 *
 *     target = ceil(n / 4) * 4 + 2        n = 1..4 → 6, 5..8 → 10, 9..12 → 14, ...
 *
 * The issuer adds decoys until the object's `_sd` has `target` digests, so every credential of
 * a type carries the same number of digests at each level whatever optional claims are present,
 * and the `+ 2` keeps at least two decoys even when every member is present. Disclosable array
 * elements (`x[]`) sit in the array as `{"...": digest}` entries and are not counted here.
 */
import { parentObjectPath } from './list-claim-paths.js';
import type { CredentialType } from './types.js';

export const paddedDigestCount = (members: number): number => Math.ceil(members / 4) * 4 + 2;

const computed = new WeakMap<CredentialType, Readonly<Record<string, number>>>();

/** The padding of a type, computed once and frozen (issuance caches what it parses from it). */
export function digestPadding(type: CredentialType): Readonly<Record<string, number>> {
  let padding = computed.get(type);
  if (!padding) {
    padding = Object.freeze(countPadding(type));
    computed.set(type, padding);
  }
  return padding;
}

function countPadding(type: CredentialType): Record<string, number> {
  const members = new Map<string, number>();
  for (const path of type.selectivelyDisclosable) {
    const parent = parentObjectPath(path);
    if (parent !== undefined) members.set(parent, (members.get(parent) ?? 0) + 1);
  }
  return Object.fromEntries([...members].map(([parent, n]) => [parent, paddedDigestCount(n)]));
}
