/**
 * OpenID4VCI / OAuth errors. The route config `errorShape: 'oauth'` writes them as
 * `{ error, error_description }`; the code IS the OAuth error code. Descriptions stay within
 * the ASCII set OpenID4VCI §8.3.1.2 allows (no `"` or `\`).
 */
import { AppError } from '../errors.js';

/** RFC 6749 §5.2 (token endpoint). */
export type TokenErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_client';
/** OpenID4VCI §8.3.1.2 (credential request errors). */
export type CredentialErrorCode =
  | 'invalid_credential_request'
  | 'unknown_credential_configuration'
  | 'unknown_credential_identifier'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'credential_request_denied';
/** RFC 6750 §3.1 (credential endpoint authorization errors, OpenID4VCI §8.3.1.1). */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export const tokenError = (code: TokenErrorCode, message: string, status = code === 'invalid_client' ? 401 : 400) =>
  new AppError(code, status, message);

export const credentialError = (code: CredentialErrorCode, message: string) => new AppError(code, 400, message);

const BEARER_STATUS: Record<BearerErrorCode, number> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403 };
export const bearerError = (code: BearerErrorCode, message: string) => new AppError(code, BEARER_STATUS[code], message);

/** Every error code the OpenID4VCI endpoints answer with; anything else is mapped by the routes. */
export const VCI_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_client',
  'invalid_credential_request', 'unknown_credential_configuration', 'unknown_credential_identifier',
  'invalid_proof', 'invalid_nonce', 'credential_request_denied', 'invalid_token', 'insufficient_scope',
  'offer_not_found',
]);
