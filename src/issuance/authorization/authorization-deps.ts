/**
 * What the Authorization Code Flow needs: the OpenID4VCI deps, with the identity provider and
 * claims source settings (AuthorizationCodeConfig), and the paths of its endpoints.
 */
import { parseJsonText } from '../../formats/jose/parse-json.js';
import { FormatError } from '../../formats/format-error.js';
import type { AuthorizationCodeConfig, Config } from '../../config.js';
import type { VciDeps } from '../vci-deps.js';
import type { WalletClients } from './wallet-clients.js';
import { AppError } from '../../errors.js';
import { singleParam } from '../form-params.js';

export type AuthorizationDeps = VciDeps & {
  config: VciDeps['config'] & Pick<Config, 'nodeEnv'> & { authorizationCode: AuthorizationCodeConfig };
  /** Wallets registered with their redirect URIs (WALLET_CLIENTS; wallet-clients.ts). */
  walletClients?: WalletClients;
};

export const AUTHORIZATION_PATHS = {
  par: '/oauth/par',
  authorize: '/oauth/authorize',
  callback: '/oauth/callback',
} as const;

/** RFC 6749 §4.1: the grant type of the Authorization Code Flow. */
export const AUTHORIZATION_CODE_GRANT = 'authorization_code';
/** RFC 9126 §2.2: the request_uri's URN prefix. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** RFC 9126 §2.2 expires_in: how long a pushed request can be used at the authorization endpoint. */
export const REQUEST_URI_TTL_SECONDS = 90;
/** How long the citizen has to log in at the identity provider. */
export const LOGIN_WINDOW_SECONDS = 600;
/** RFC 6749 §4.1.2: a short-lived code (10 minutes at most is recommended). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'invalid_request_uri'
  | 'invalid_authorization_details'
  | 'invalid_scope'
  | 'unsupported_response_type'
  | 'invalid_grant'
  | 'temporarily_unavailable';

/** Every one of them is a 4xx but temporarily_unavailable (503); invalid_request_uri is 400 here (404 is OpenID4VP's unknown request). */
/** `ko`: the refusal's own Korean sentence, the same reason as `message` (AppError `ko`). */
export const authorizationError = (code: AuthorizationErrorCode, message: string, ko: string) =>
  new AppError(code, message, { ko, ...(code === 'invalid_request_uri' && { status: 400 }) });

/**
 * The `authorization_details` form parameter (RFC 9396 §2, OpenID4VCI §5.1.1): undefined when
 * absent, else its JSON array; anything else is invalid_authorization_details. Callers judge the
 * entries (PAR asks for exactly one, the token request may only narrow it).
 */
export function readAuthorizationDetails(form: Record<string, unknown>): unknown[] | undefined {
  const raw = singleParam(form, 'authorization_details');
  if (raw === undefined) return undefined;
  let details: unknown;
  try {
    // The rules of every JSON the service reads (parse-json.ts): no member twice, no __proto__,
    // bounded depth, I-JSON; the request is stored and echoed in the token response.
    details = parseJsonText(raw, 'jws_malformed');
  } catch (e) {
    throw authorizationError(
      'invalid_authorization_details',
      `authorization_details must be a JSON array${e instanceof FormatError ? `: ${e.message}` : ''}`,
      '인가 상세(authorization_details)는 JSON 배열이어야 합니다. 같은 이름을 두 번 쓰거나 __proto__ 같은 이름을 쓰거나 너무 깊게 중첩할 수 없습니다.',
    );
  }
  if (!Array.isArray(details))
    throw authorizationError(
      'invalid_authorization_details',
      'authorization_details must be a JSON array',
      '인가 상세(authorization_details)는 JSON 배열이어야 합니다.',
    );
  return details;
}
