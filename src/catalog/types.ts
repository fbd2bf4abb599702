/**
 * The shape of a credential type once `loadCatalog` has read, validated and resolved its file
 * (schemas/credentials/<id>.json, described by schemas/credential-type.schema.json).
 */

/** Formats a type may be issued in: SD-JWT VC (default), W3C VC-JWT, ISO/IEC 18013-5 mdoc. */
export const CREDENTIAL_FORMATS = ['dc+sd-jwt', 'vc+jwt', 'mso_mdoc'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/** Age predicates computed at issuance from `birth_date` (see derive-claims.ts for the rules). */
export const DERIVED_CLAIMS = ['age_over_14', 'age_over_19', 'age_over_65'] as const;
export type DerivedClaimName = (typeof DERIVED_CLAIMS)[number];

export const isDerivedClaimName = (name: string): name is DerivedClaimName => (DERIVED_CLAIMS as readonly string[]).includes(name);

/** Text in both catalogue languages. */
export interface LocalizedText {
  readonly ko: string;
  readonly en: string;
}

/** JSON value of a claim as the caller supplies it. */
export type ClaimValue = string | number | boolean | null | ClaimValue[] | { [name: string]: ClaimValue };
export type Claims = { [name: string]: ClaimValue };

/**
 * The subset of JSON Schema 2020-12 a claims schema may use (the meta-schema enforces it):
 * every string has `maxLength`, every array `maxItems`, every object `additionalProperties: false`.
 */
export interface ClaimSchema {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  readonly title?: string;
  readonly description?: string;
  readonly $comment?: string;
  readonly format?: 'date' | 'date-time' | 'uri' | 'email';
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly contentEncoding?: string;
  readonly contentMediaType?: string;
  readonly enum?: readonly (string | number)[];
  readonly const?: string | number | boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: ClaimSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly properties?: Readonly<Record<string, ClaimSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  /** Strings here (and below) may carry control, format and bidi characters (find-unsafe-text.ts). */
  readonly 'x-allow-control-characters'?: boolean;
}

/** The root claims schema: always an object with declared members and no others. */
export interface ClaimsSchema extends ClaimSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, ClaimSchema>>;
  readonly required: readonly string[];
  readonly additionalProperties: false;
}

/**
 * How a type is issued as an ISO/IEC 18013-5 mdoc (`mso_mdoc`): its docType and, per namespace,
 * the data elements (each a top-level claim or derived claim of the type, under its own name).
 */
export interface MdocLayout {
  readonly doctype: string;
  readonly namespaces: Readonly<Record<string, readonly string[]>>;
  /** Why these names (the responsible body's reverse domain). */
  readonly naming: LocalizedText;
  /**
   * Claim paths whose mdoc encoding is not the JSON one (computed at load from the claims schema):
   * `full-date` for `format: date` (ISO/IEC 18013-5 §7.2.1, RFC 8943 tag 1004), `bytes` for a
   * base64url `contentEncoding` (a portrait is a bstr).
   */
  readonly encodings: Readonly<Record<string, 'full-date' | 'bytes'>>;
}

export interface CredentialType {
  /** kebab-case id, equal to the file name without `.json`. */
  readonly id: string;
  /** Absolute `vct` URL: PUBLIC_URL + vctPath. A GET on it serves the SD-JWT VC type metadata. */
  readonly vct: string;
  /** The `vct` as written in the file, a path starting with `/vct/` (what the HTTP route serves). */
  readonly vctPath: string;
  readonly name: LocalizedText;
  readonly description: LocalizedText;
  readonly issuingAuthority: LocalizedText;
  readonly validity: { readonly defaultDays: number; readonly maxDays: number };
  /** True when the credential describes a person (carries family_name, given_name, birth_date). */
  readonly personBound: boolean;
  readonly formats: readonly CredentialFormat[];
  /** Set exactly when `formats` lists `mso_mdoc`. */
  readonly mdoc?: MdocLayout;
  /** JSON Schema of the caller-supplied claims (derived claims are not in it). */
  readonly claimsSchema: ClaimsSchema;
  /**
   * Claim paths issued as disclosures (dots for members, `[]` for every array element), in file
   * order, followed by the derived claims: a derived claim is always selectively disclosable.
   */
  readonly selectivelyDisclosable: readonly string[];
  readonly derivedClaims: readonly DerivedClaimName[];
  /** Labels for every claim path and derived claim. */
  readonly claimDisplay: Readonly<Record<string, LocalizedText>>;
  /** What to enter in a claim, by claim path (form hints); not every claim has one. */
  readonly claimDescriptions: Readonly<Record<string, LocalizedText>>;
  /** One valid claim set (caller-supplied claims only). */
  readonly example: Claims;
  /** The file the type was read from (for messages). */
  readonly file: string;
}

/** The loaded catalogue: every type, looked up by id or by absolute `vct`. */
export interface Catalog {
  /** Sorted by id. */
  readonly types: readonly CredentialType[];
  get(id: string): CredentialType | undefined;
  getByVct(vct: string): CredentialType | undefined;
}
