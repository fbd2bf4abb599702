/**
 * The error codes raised by the Token Status List code (`src/status/status-list-*.ts`) and by the
 * VC-JWT format (`src/formats/vc-jwt/`): their areas of the one catalogue
 * (src/errors/catalogue.ts), where each code's meaning and spec section are written.
 */
import { codesOfArea, FormatError, type ErrorCodeOf } from '../errors.js';

export type StatusListErrorCode = ErrorCodeOf<'status_list'>;
export type VcJwtErrorCode = ErrorCodeOf<'vc_jwt'>;
export type StatusFormatErrorCode = StatusListErrorCode | VcJwtErrorCode;

/** Codes for the status list itself, its token and the `status` claim of a referenced token. */
export const STATUS_LIST_ERROR_CODES: readonly StatusListErrorCode[] = codesOfArea('status_list');
/** Codes for VC-JWT (W3C VC Data Model 2.0 secured with JOSE per VC-JOSE-COSE §3.1.1). */
export const VC_JWT_ERROR_CODES: readonly VcJwtErrorCode[] = codesOfArea('vc_jwt');
/** Every code this module can throw. */
export const STATUS_FORMAT_ERROR_CODES: readonly StatusFormatErrorCode[] = [...STATUS_LIST_ERROR_CODES, ...VC_JWT_ERROR_CODES];

/** A `FormatError` whose code is checked at compile time against the lists above. */
export const statusFormatError = (code: StatusFormatErrorCode, message: string): FormatError =>
  new FormatError(code, message);
