/**
 * The one error pure format code throws: a token broke a rule, and `code` names the rule (for
 * example `sd_jwt_duplicate_disclosure`). It lives here because formats import nothing outside
 * src/formats; src/errors.ts re-exports it and `isAppError` accepts it, so callers and the HTTP
 * error handler treat it as the 400 AppError it always was (same members: code, status, expose).
 */
export class FormatError extends Error {
  readonly code: string;
  readonly status = 400;
  readonly details: Record<string, unknown> | undefined = undefined;
  /** A format rule's message is written for the caller. */
  readonly expose = true;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'FormatError';
    this.code = code;
  }
}
