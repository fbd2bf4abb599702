/**
 * SD-JWT VC Type Metadata for a credential type (draft-ietf-oauth-sd-jwt-vc, "SD-JWT VC Type
 * Metadata"), served as `application/json` by a GET on the type's `vct` URL.
 *
 * - `name` / `description` (§ Type Metadata Format) are for developers: English.
 * - `display` (§ Display Metadata): one entry per locale, `ko-KR` then `en-US`.
 * - `claims` (§ Claim Metadata): one entry per claim path of the schema, in schema order, then the
 *   derived claims. `path` uses `null` for "every array element" (§ Claim Path); `sd` is always
 *   explicit, `always` or `never`, as § Claim Selective Disclosure Metadata recommends;
 *   `mandatory` is set where the schema requires the claim in every credential.
 * - No JSON Schema: the draft removed `schema` / `schema_uri` from Type Metadata (document
 *   history, -09: "Remove JSON schema from Type Metadata"); the claims schema stays internal.
 */
import { listClaimPaths, parseClaimPath } from './list-claim-paths.js';
import type { CredentialType, LocalizedText } from './types.js';

export interface ClaimDisplayEntry {
  readonly locale: string;
  readonly label: string;
}

export interface ClaimMetadata {
  readonly path: (string | null)[];
  readonly display?: ClaimDisplayEntry[];
  readonly mandatory?: true;
  readonly sd: 'always' | 'never';
}

export interface TypeMetadata {
  readonly vct: string;
  readonly name: string;
  readonly description: string;
  readonly display: { readonly locale: string; readonly name: string; readonly description: string }[];
  readonly claims: ClaimMetadata[];
}

/** Catalogue languages and the RFC 5646 tags they are published under. */
const LOCALES = [
  ['ko', 'ko-KR'],
  ['en', 'en-US'],
] as const;

const labels = (text: LocalizedText | undefined): ClaimDisplayEntry[] | undefined =>
  text && LOCALES.map(([key, locale]) => ({ locale, label: text[key] }));

function claimEntry(type: CredentialType, path: string, mandatory: boolean, sd: Set<string>): ClaimMetadata {
  const display = labels(type.claimDisplay[path]);
  return {
    path: parseClaimPath(path),
    ...(display ? { display } : {}),
    ...(mandatory ? { mandatory: true as const } : {}),
    sd: sd.has(path) ? 'always' : 'never',
  };
}

export function buildTypeMetadata(type: CredentialType): TypeMetadata {
  const sd = new Set(type.selectivelyDisclosable);
  return {
    vct: type.vct,
    name: type.name.en,
    description: type.description.en,
    display: LOCALES.map(([key, locale]) => ({ locale, name: type.name[key], description: type.description[key] })),
    claims: [
      ...listClaimPaths(type.claimsSchema).map((p) => claimEntry(type, p.path, p.mandatory, sd)),
      // Always computed: every type that derives claims requires birth_date (checked at load).
      ...type.derivedClaims.map((name) => claimEntry(type, name, true, sd)),
    ],
  };
}
