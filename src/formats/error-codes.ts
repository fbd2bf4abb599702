/**
 * The error codes the pure format code (JOSE, JWT time claims, SD-JWT, KB-JWT, SD-JWT VC) can
 * throw: their areas of the one catalogue (src/errors/catalogue.ts). `formatError` only accepts
 * one of them, so a new rule cannot ship without its code being catalogued.
 */
import { codesOfArea, FormatError, type ErrorCodeOf } from '../errors.js';

export type FormatErrorCode = ErrorCodeOf<'jose' | 'jwt' | 'sd_jwt' | 'kb_jwt' | 'sd_jwt_vc'>;

export const FORMAT_ERROR_CODES: readonly FormatErrorCode[] = codesOfArea('jose', 'jwt', 'sd_jwt', 'kb_jwt', 'sd_jwt_vc');

/** Builds the error to throw; `throw formatError('jws_malformed', '...')`. */
export const formatError = (code: FormatErrorCode, message: string): FormatError =>
  new FormatError(code, message);
