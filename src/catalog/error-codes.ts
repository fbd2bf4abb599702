/**
 * Stable error codes of the credential catalogue. Tests assert these codes, never messages.
 *
 * Two families: codes a caller can get back (HTTP 400 through `badRequest`) when the claims it
 * sends for a type are wrong, and codes that stop the server at boot when a type file is wrong.
 */

/** Request-time codes (400), raised by validateClaims / deriveClaims. */
export const CLAIMS_ERROR_CODES = [
  /** The claims break the type's claims schema; `details.errors` holds `{ pointer, message }`. */
  'invalid_claims',
  /** The caller sent a claim the service computes itself (`age_over_19`, ...). */
  'derived_claim_supplied',
  /** A claim value looks like a resident registration number (주민등록번호); never issued. */
  'rrn_not_allowed',
] as const;
export type ClaimsErrorCode = (typeof CLAIMS_ERROR_CODES)[number];

/** Boot-time codes, carried by CatalogError; the message names the file and the JSON pointer. */
export const CATALOG_LOAD_ERROR_CODES = [
  /** The folder or a file cannot be read, or a file is not JSON. */
  'catalog_unreadable',
  /** The folder holds no `*.json` type file. */
  'catalog_empty',
  /** A file breaks schemas/credential-type.schema.json. */
  'catalog_schema_violation',
  /** The file name is not `<id>.json`. */
  'catalog_id_mismatch',
  'catalog_duplicate_id',
  'catalog_duplicate_vct',
  /** `validity.default_days` exceeds `validity.max_days`. */
  'catalog_invalid_validity',
  /** A person-bound type lacks a required `family_name`, `given_name` or `birth_date` (format date). */
  'catalog_person_claims_missing',
  /** A selectively disclosable path or a claim_display key names no claim of the schema. */
  'catalog_unknown_path',
  /** A claim path or derived claim has no claim_display label. */
  'catalog_missing_label',
  /** The claims schema does not compile (ajv strict mode). */
  'catalog_invalid_claims_schema',
  /** The example does not validate against the claims schema. */
  'catalog_invalid_example',
  /** A claim name or example value looks like a resident registration number. */
  'catalog_rrn_claim',
  /** PUBLIC_URL given to the loader is not an absolute http(s) URL. */
  'catalog_bad_public_url',
] as const;
export type CatalogLoadErrorCode = (typeof CATALOG_LOAD_ERROR_CODES)[number];

/** A credential type file is wrong: the server must not start. */
export class CatalogError extends Error {
  constructor(
    readonly code: CatalogLoadErrorCode,
    /** The type file (or folder) at fault. */
    readonly file: string,
    /** JSON pointer into the file ('' = the whole file). */
    readonly pointer: string,
    detail: string,
  ) {
    super(`${file}: ${pointer === '' ? '(root)' : pointer}: ${detail}`);
    this.name = 'CatalogError';
  }
}
