/**
 * A wallet's reading of a DCQL credential query's `trusted_authorities` (OpenID4VP 1.0 §6.1,
 * §6.1.1): "Every Credential returned by the Wallet SHOULD match at least one of the conditions".
 * Only type `aki` (§6.1.1.1) can be evaluated here; an entry of another type matches nothing, so
 * a query asking only for those is answered by no credential rather than by any. Pure: the CLI
 * wallet and the web wallet share it.
 */
import { matchesTrustedAuthorities } from '../formats/x509/read-authority-key-ids.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `aki` values the query names, or undefined when it has no `trusted_authorities` (any issuer will do). */
export function readTrustedAuthorityKeyIds(query: Record<string, unknown>): string[] | undefined {
  const ta = query.trusted_authorities;
  if (ta === undefined) return undefined;
  if (!Array.isArray(ta)) return [];
  return ta.flatMap((t) =>
    isObj(t) && t.type === 'aki' && Array.isArray(t.values) ? t.values.filter((v): v is string => typeof v === 'string') : [],
  );
}

/**
 * Whether a credential may answer the query: always without `trusted_authorities`, else when one
 * of `credentialAkis` (its chain's AuthorityKeyIdentifiers; undefined = it carries no X.509
 * chain) is asked for.
 */
export function answersTrustedAuthorities(query: Record<string, unknown>, credentialAkis: () => string[] | undefined): boolean {
  const asked = readTrustedAuthorityKeyIds(query);
  return asked === undefined || matchesTrustedAuthorities(credentialAkis(), asked);
}
