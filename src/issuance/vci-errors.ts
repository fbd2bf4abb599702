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

export const tokenError = (code: TokenErrorCode, message: string) => new AppError(code, message, { status: 400 });

export const credentialError = (code: CredentialErrorCode, message: string) => new AppError(code, message, { status: 400 });

/** invalid_request 400, invalid_token 401, insufficient_scope 403 (the catalogue's statuses). */
export const bearerError = (code: BearerErrorCode, message: string) => new AppError(code, message);

/** Every error code the OpenID4VCI endpoints answer with; anything else is mapped by the error handler. */
export const VCI_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_request', ...codesOfArea('openid4vci')]);
