/**
 * Stable error codes raised by the Token Status List code (`src/formats/status-list/`) and by
 * the VC-JWT format (`src/formats/vc-jwt/`). Tests assert these codes, never messages; the
 * lead's documentation test can iterate `STATUS_FORMAT_ERROR_CODES`, which holds all of them.
 */
import { FormatError } from '../format-error.js';

/** Codes for the status list itself, its token and the `status` claim of a referenced token. */
export const STATUS_LIST_ERROR_CODES = [
  /** `bits` is not one of 1, 2, 4, 8 (draft-ietf-oauth-status-list §4.1 step 1, §4.2). */
  'status_list_bad_bits',
  /** `lst` is not a string, not strict base64url, empty, or has bytes after the ZLIB stream; or a new list's size is not a positive integer. */
  'status_list_malformed',
  /** `lst` is valid base64url but not a valid ZLIB (RFC 1950) / DEFLATE (RFC 1951) stream. */
  'status_list_bad_compression',
  /** The list inflates past the cap for its `bits` (zip bomb guard, §11.1), or its fetched token is over the fetch cap. */
  'status_list_too_large',
  /** A status value does not fit in `bits` bits, or is not an integer (§7). */
  'status_value_out_of_range',
  /** An index is negative, not an integer, or beyond the end of the list (§8.3 step 6). */
  'status_index_out_of_range',
  /** Status List Token header `typ` is not `statuslist+jwt` (§5.1). */
  'status_list_token_bad_typ',
  /** A required claim (`sub`, `iat`, `status_list`) is missing (§5.1, §8.3 step 3b). */
  'status_list_token_missing_claim',
  /** A claim has the wrong JSON type (for example `iat` not a number, `status_list` not an object). */
  'status_list_token_bad_claim',
  /** `sub` differs from the URI the token was fetched from (§5.1, §8.3 step 4a). */
  'status_list_token_sub_mismatch',
  /** `exp` has passed (§8.3 step 4c). */
  'status_list_token_expired',
  /** The Status List Token's `nbf` is in the future (§5.1: RFC 7519 validity applies). */
  'status_list_token_not_yet_valid',
  /** `ttl` is present but not a positive number (§5.1). */
  'status_list_token_bad_ttl',
  /** The referenced token has no `status.status_list` (§6.1, §6.2, §8.3 step 1). */
  'status_reference_missing',
  /** `status.status_list` is present but `idx` / `uri` break §6.2. */
  'status_reference_malformed',
] as const;

/** Codes for VC-JWT (W3C VC Data Model 2.0 secured with JOSE per VC-JOSE-COSE §3.1.1). */
export const VC_JWT_ERROR_CODES = [
  /** Not three base64url segments of JSON objects (RFC 7515 §7.1). */
  'vc_jwt_malformed',
  /** Header `alg` missing or `none` (RFC 7515 §4.1.1, RFC 8725 §3.1). */
  'vc_jwt_bad_alg',
  /** Header `typ` is not `vc+jwt` (VC-JOSE-COSE §3.1.1). */
  'vc_jwt_bad_typ',
  /** `vc` or `vp` JWT claim present (VC-JOSE-COSE §3.1.3: MUST NOT). */
  'vc_jwt_legacy_claim',
  /** `@context` missing or its first item is not the v2 context (VCDM 2.0 §4.3). */
  'vc_jwt_bad_context',
  /** `type` missing or lacks `VerifiableCredential` (VCDM 2.0 §4.5). */
  'vc_jwt_bad_type',
  /** `id` present but not a URL (VCDM 2.0 §4.4). */
  'vc_jwt_bad_id',
  /** `issuer` missing, or not a URL / object with a URL `id` (VCDM 2.0 §4.7). */
  'vc_jwt_bad_issuer',
  /** `iss` present and different from `issuer` (VC-JOSE-COSE §4.1.2). */
  'vc_jwt_iss_mismatch',
  /** `credentialSubject` missing, empty or not object(s) (VCDM 2.0 §4.8). */
  'vc_jwt_bad_subject',
  /** `validFrom` / `validUntil` not an XML Schema dateTimeStamp (VCDM 2.0 §4.9). */
  'vc_jwt_bad_datetime',
  /** `validFrom` is later than `validUntil` (VCDM 2.0 §4.9). */
  'vc_jwt_bad_validity_period',
  /** `iat` / `exp` present but not NumericDate (RFC 7519 §4.1.4, §4.1.6). */
  'vc_jwt_bad_claim',
  /** `credentialStatus` entry malformed (VCDM 2.0 §4.10) or our `TokenStatusListEntry` broken. */
  'vc_jwt_bad_status',
  /** `credentialStatus` and the `status` JWT claim point at different list entries. */
  'vc_jwt_status_mismatch',
] as const;

/** Every code this module can throw. */
export const STATUS_FORMAT_ERROR_CODES = [...STATUS_LIST_ERROR_CODES, ...VC_JWT_ERROR_CODES] as const;

export type StatusListErrorCode = (typeof STATUS_LIST_ERROR_CODES)[number];
export type VcJwtErrorCode = (typeof VC_JWT_ERROR_CODES)[number];
export type StatusFormatErrorCode = (typeof STATUS_FORMAT_ERROR_CODES)[number];

/** A `FormatError` whose code is checked at compile time against the lists above. */
export const statusFormatError = (code: StatusFormatErrorCode, message: string): FormatError => new FormatError(code, message);
