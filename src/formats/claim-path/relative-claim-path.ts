import type { ClaimPathPointer } from './claim-path-pointer.js';

/**
 * A claim path as the issuer metadata publishes it (OpenID4VCI §B.2, relative to the credential:
 * `["credentialSubject", "family_name"]` for a W3C VC) read against the claims a format adapter
 * exposes, which are already relative to that prefix (`claimPathPrefix`). Paths without the
 * prefix are taken as they are, so both spellings ask for the same claim.
 */
export function relativeClaimPath(path: ClaimPathPointer, prefix: readonly string[]): ClaimPathPointer {
  if (prefix.length === 0 || path.length <= prefix.length) return path;
  return prefix.every((p, i) => path[i] === p) ? path.slice(prefix.length) : path;
}
