/**
 * OpenID4VCI / OAuth errors. The route config `errorShape: 'oauth'` writes them as
 * `{ error, error_description }`; the code IS the OAuth error code. Descriptions stay within
 * the ASCII set OpenID4VCI §8.3.1.2 allows (no `"` or `\`).
 */
import { AppError, codesOfArea, type ErrorCode } from '../errors.js';
import { withParticle } from '../verdict/particle.js';

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
 * `ko` (every helper here): this refusal's own Korean sentence, the same reason as `message` (AppError
 * `ko`), which a reader of Korean gets in place of the code's catalogue sentence; the code alone
 * (one invalid_request for a missing redirect_uri, another for a wrong content type) would not say
 * why. Required, so that no refusal of these endpoints goes without one.
 *
 * `extra`: extension parameters of the token error response (RFC 6749 §5.2 lets a response carry
 * more than `error`), so a wallet can tell a person which failure it was and what is left:
 * `code_state` (unknown, expired, used, locked) and `tx_code_attempts_left`. Both are ours; a
 * wallet that does not know them still has `error`.
 */
export const tokenError = (code: TokenErrorCode, message: string, ko: string, extra?: TokenErrorExtra) =>
  new AppError(code, message, { status: 400, ko, ...(extra && { details: { ...extra } }) });

export interface TokenErrorExtra {
  code_state?: 'unknown' | 'expired' | 'used' | 'locked';
  tx_code_attempts_left?: number;
}
/** The extension members an OAuth-shaped error may carry (src/http/problem.ts writes only these). */
export const OAUTH_ERROR_EXTENSIONS = ['code_state', 'tx_code_attempts_left'] as const;

export const credentialError = (code: CredentialErrorCode, message: string, ko: string) => new AppError(code, message, { status: 400, ko });

/** invalid_request 400, invalid_token 401, insufficient_scope 403 (the catalogue's statuses). */
export const bearerError = (code: BearerErrorCode, message: string, ko: string) => new AppError(code, message, { ko });

/** Every error code the OpenID4VCI endpoints answer with; anything else is mapped by the error handler. */
export const VCI_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_request', ...codesOfArea('openid4vci')]);

/** The Korean words for the members requiredString is asked about (with the member name once, for the developer). */
const MEMBER_KO = {
  transaction_id: '보류 발급 식별자(transaction_id)',
  notification_id: '알림 식별자(notification_id)',
  credential_configuration_id: '증명서 구성 식별자(credential_configuration_id)',
} as const;

/**
 * A required string member of a request body, or the endpoint's refusal saying what is wrong with
 * it: absent, not a string, empty or too long, each its own sentence, so the caller fixes the
 * right thing (a number sent as the id was told the id "is required"), in Korean too. The words
 * are made only for a refusal: this runs on every credential, deferred and notification request.
 */
export function requiredString(
  value: unknown,
  name: keyof typeof MEMBER_KO,
  code: CredentialErrorCode,
  maxLength = Number.POSITIVE_INFINITY,
): string {
  if (typeof value === 'string' && value !== '' && value.length <= maxLength) return value;
  const member = MEMBER_KO[name];
  if (value === undefined || value === null)
    throw credentialError(code, `${name} is required`, `요청에 ${withParticle(member, '이/가')} 없습니다.`);
  if (typeof value !== 'string')
    throw credentialError(code, `${name} must be a string`, `${withParticle(member, '은/는')} 문자열이어야 합니다.`);
  if (value === '') throw credentialError(code, `${name} must not be empty`, `${withParticle(member, '이/가')} 비어 있습니다.`);
  throw credentialError(
    code,
    `${name} is longer than ${maxLength} characters`,
    `${withParticle(member, '은/는')} ${maxLength}자 이하여야 합니다.`,
  );
}
