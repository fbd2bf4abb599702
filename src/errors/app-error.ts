import { FormatError } from '../formats/format-error.js';
import { ERROR_CATALOGUE, type ErrorCode, type ErrorCodeWith } from './catalogue.js';

/**
 * An error the service answers with: a catalogued `code` (tests assert codes, never messages),
 * the HTTP status it maps to, and whether its message is safe to show. The HTTP error handler
 * (src/http/error-handler.ts) turns it into RFC 9457 problem+json on our API and into the OAuth
 * `{ error, error_description }` shape on OpenID4VCI / OpenID4VP endpoints.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members for the problem document (for example a JSON pointer to the bad field). */
  readonly details: Record<string, unknown> | undefined;
  /** A 4xx message is written for the caller; a 5xx message is never shown. */
  readonly expose: boolean;
  /** Response headers the refusal carries (a `WWW-Authenticate` challenge, a fresh `DPoP-Nonce`). */
  readonly headers: Record<string, string> | undefined;
  /**
   * This refusal's own Korean sentence, where the code's catalogue sentence would not say why (one
   * `invalid_request` for an expired request, another for one already answered). A reader of Korean
   * gets it in place of the catalogue's; it follows the glossary like every Korean sentence. Like
   * the message, it is shown only for a 4xx: a 5xx says the catalogue's sentence for its code.
   */
  readonly ko: string | undefined;

  /** `status` defaults to the code's usual status in the catalogue. */
  constructor(
    code: ErrorCode,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; headers?: Record<string, string>; ko?: string } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_CATALOGUE[code].http[0] ?? 500;
    this.details = options.details;
    this.expose = this.status < 500;
    this.headers = options.headers;
    this.ko = options.ko;
  }
}

/** An error with status `S`, for a code the catalogue lists with that status; `ko` as AppError's. */
export const appError = <S extends number>(
  status: S,
  code: ErrorCodeWith<S>,
  message: string,
  details?: Record<string, unknown>,
  ko?: string,
) => new AppError(code, message, { status, details, ...(ko !== undefined && { ko }) });

export const badRequest = (code: ErrorCodeWith<400>, message: string, details?: Record<string, unknown>, ko?: string) =>
  appError(400, code, message, details, ko);
export const unauthorized = (code: ErrorCodeWith<401>, message: string) => appError(401, code, message);
export const forbidden = (code: ErrorCodeWith<403>, message: string) => appError(403, code, message);
export const notFound = (code: ErrorCodeWith<404>, message: string) => appError(404, code, message);
export const conflict = (code: ErrorCodeWith<409>, message: string, details?: Record<string, unknown>) =>
  appError(409, code, message, details);
export const unavailable = (code: ErrorCodeWith<503>, message: string) => appError(503, code, message);

/**
 * Raised by pure format code (SD-JWT, JWS, status list parsing) when a token breaks a rule.
 * Defined in src/formats (formats import nothing outside it) with the members of a 400
 * AppError; its codes are the formats' own lists, which the catalogue must hold (checked at
 * compile time in catalogue.ts), so `isAppError` may answer for both.
 */
export { FormatError };

export const isAppError = (e: unknown): e is AppError => e instanceof AppError || e instanceof FormatError;
