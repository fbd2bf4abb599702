/**
 * The one error pure format code throws: a token broke a rule, and `code` names the rule (for
 * example `sd_jwt_duplicate_disclosure`). It lives here because formats import nothing outside
 * src/formats; src/errors.ts re-exports it and `isAppError` accepts it, so callers and the HTTP
 * error handler treat it as the 400 AppError it always was (same members: code, status, expose).
 */
import type { FormatErrorCode } from './error-codes.js';
import type { StatusFormatErrorCode } from './status-list/error-codes.js';

export class FormatError extends Error {
  readonly code: FormatErrorCode | StatusFormatErrorCode;
  readonly status = 400;
  readonly details: Record<string, unknown> | undefined = undefined;
  /** A format rule's message is written for the caller. */
  readonly expose = true;

  constructor(code: FormatErrorCode | StatusFormatErrorCode, message: string) {
    super(message);
    this.name = 'FormatError';
    this.code = code;
  }
}
