/**
 * Which credential types an issuer may speak for (SD-JWT VC §3.2.2.1 / §6: a verifier accepts
 * a credential on its `vct` AND on the issuer's authority for that type; trusting a signature
 * is not trusting every type the signer names).
 *
 * - This service's own issuer (`PUBLIC_URL`) speaks for every type it issues.
 * - Nobody else speaks for this service's own namespace (`PUBLIC_URL/…`, where every catalogue
 *   `vct` lives), whatever the configuration says.
 * - A trusted issuer with no list speaks for the types under its own identifier (`<iss>/…`);
 *   with a list (`TRUSTED_ISSUERS` entry `iss|vct|prefix/`), for exactly those: a value ending
 *   in `/` is a prefix, any other value one exact `vct` (or VC `type` term). Compared as bytes.
 */

/** One entry of `TRUSTED_ISSUERS`: the issuer identifier and the types it may issue. */
export interface TrustedIssuer {
  issuer: string;
  /** Exact `vct` values, or prefixes ending in `/`; empty = the types under `<issuer>/`. */
  types: readonly string[];
}

/** The namespace of this service's own types: everything under PUBLIC_URL. */
export const ownTypeNamespace = (ownIssuer: string): string => `${ownIssuer.replace(/\/+$/, '')}/`;

/** Does a configured type pattern (exact value, or prefix ending in `/`) cover `type`? */
export function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('/') ? type.startsWith(pattern) && type.length > pattern.length : type === pattern;
}

export function isAuthorizedForType(o: { ownIssuer: string; trusted: readonly TrustedIssuer[] }, iss: string, type: string): boolean {
  if (iss === o.ownIssuer) return true;
  if (type.startsWith(ownTypeNamespace(o.ownIssuer))) return false;
  const entry = o.trusted.find((t) => t.issuer === iss);
  if (!entry) return false;
  const patterns = entry.types.length > 0 ? entry.types : [`${entry.issuer}/`];
  return patterns.some((p) => typeMatches(p, type));
}
