/**
 * OpenID4VCI / OAuth errors. The route config `errorShape: 'oauth'` writes them as
 * `{ error, error_description }`; the code IS the OAuth error code. Descriptions stay within
 * the ASCII set OpenID4VCI §8.3.1.2 allows (no `"` or `\`).
 */
import { AppError, codesOfArea, type ErrorCode } from '../errors.js';

/** RFC 6749 §5.2 (token endpoint). */
export type TokenErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type';
/** OpenID4VCI §8.3.1.2 (credential request errors). */
export type CredentialErrorCode =
  | 'invalid_credential_request'
  | 'unknown_credential_configuration'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'credential_request_denied'
  // §9.3 (deferred credential endpoint), §11.3 (notification endpoint).
  | 'invalid_transaction_id'
  | 'invalid_notification_id'
  | 'invalid_notification_request';
/** RFC 6750 §3.1 (credential endpoint authorization errors, OpenID4VCI §8.3.1.1). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * `extra`: extension parameters of the token error response (RFC 6749 §5.2 lets a response carry
 * more than `error`), so a wallet can tell a person which failure it was and what is left:
 * `code_state` (unknown, expired, used, locked) and `tx_code_attempts_left`. Both are ours; a
 * wallet that does not know them still has `error`.
 */
export const tokenError = (code: TokenErrorCode, message: string, extra?: TokenErrorExtra) =>
  new AppError(code, message, { status: 400, ...(extra && { details: { ...extra } }) });

export interface TokenErrorExtra {
  code_state?: 'unknown' | 'expired' | 'used' | 'locked';
  tx_code_attempts_left?: number;
}
/** The extension members an OAuth-shaped error may carry (src/http/problem.ts writes only these). */
export const OAUTH_ERROR_EXTENSIONS = ['code_state', 'tx_code_attempts_left'] as const;

export const credentialError = (code: CredentialErrorCode, message: string) => new AppError(code, message, { status: 400 });

/** invalid_request 400, invalid_token 401, insufficient_scope 403 (the catalogue's statuses). */
export const bearerError = (code: BearerErrorCode, message: string) => new AppError(code, message);

/** Every error code the OpenID4VCI endpoints answer with; anything else is mapped by the error handler. */
export const VCI_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_request', ...codesOfArea('openid4vci')]);

/**
 * A required string member of a request body, or the endpoint's refusal saying what is wrong with
 * it: absent, not a string, empty or too long, each its own sentence, so the caller fixes the
 * right thing (a number sent as the id was told the id "is required").
 */
export function requiredString(value: unknown, name: string, code: CredentialErrorCode, maxLength = Number.POSITIVE_INFINITY): string {
  if (value === undefined || value === null) throw credentialError(code, `${name} is required`);
  if (typeof value !== 'string') throw credentialError(code, `${name} must be a string`);
  if (value === '') throw credentialError(code, `${name} must not be empty`);
  if (value.length > maxLength) throw credentialError(code, `${name} is longer than ${maxLength} characters`);
  return value;
}
