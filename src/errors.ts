/**
 * One place for every error the service can answer with.
 *
 * Each error carries a stable machine `code` (tests assert codes, never messages), the HTTP
 * status it maps to, and whether its message is safe to show. The HTTP error handler turns
 * these into RFC 9457 problem+json on our API and into the OAuth `{ error, error_description }`
 * shape on OpenID4VCI / OpenID4VP endpoints.
 */
import { FormatError } from './formats/format-error.js';

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members for the problem document (for example a JSON pointer to the bad field). */
  readonly details: Record<string, unknown> | undefined;
  /** A 4xx message is written for the caller; a 5xx message is never shown. */
  readonly expose: boolean;

  constructor(code: string, status: number, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.expose = status < 500;
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 400, message, details);
export const unauthorized = (code: string, message: string) => new AppError(code, 401, message);
export const forbidden = (code: string, message: string) => new AppError(code, 403, message);
export const notFound = (code: string, message: string) => new AppError(code, 404, message);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new AppError(code, 409, message, details);
export const unavailable = (code: string, message: string) => new AppError(code, 503, message);

/**
 * Raised by pure format code (SD-JWT, JWS, status list parsing) when a token breaks a rule.
 * `code` names the rule (for example `sd_jwt_duplicate_disclosure`); callers decide the status.
 * Defined in src/formats (formats import nothing outside it) with the members of a 400 AppError.
 */
export { FormatError };

export const isAppError = (e: unknown): e is AppError => e instanceof AppError || e instanceof FormatError;
