/**
 * Stable error codes of the credential catalogue. Tests assert these codes, never messages.
 *
 * Two families: codes a caller can get back (HTTP 400 through `badRequest`) when the claims it
 * sends for a type are wrong, and codes that stop the server at boot when a type file is wrong.
 * Their meanings are in the one catalogue, src/errors/catalogue.ts.
 */
import type { ErrorCode, ErrorCodeOf } from '../errors.js';

/** Request-time codes (400), raised by validateClaims / deriveClaims. */
export type ClaimsErrorCode = Extract<ErrorCode, 'invalid_claims' | 'derived_claim_supplied' | 'rrn_not_allowed'>;

/** Boot-time codes, carried by CatalogError; the message names the file and the JSON pointer. */
export type CatalogLoadErrorCode = ErrorCodeOf<'catalog_boot'>;

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
