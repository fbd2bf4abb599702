import type { ErrorCodeOf } from '../errors.js';

/**
 * The result code recorded when a wallet answers the Response URI with an error instead of a
 * vp_token (OpenID4VP 1.0 §8.5: RFC 6749 §4.1.2.1 codes and the ones OpenID4VP adds). The raw
 * error is kept beside it (`wallet_error`); a code this table does not know becomes `wallet_error`.
 */
const WALLET_ERROR_CODES: Record<string, ErrorCodeOf<'openid4vp_result'>> = {
  access_denied: 'wallet_access_denied',
  invalid_request: 'wallet_invalid_request',
  invalid_client: 'wallet_invalid_client',
  invalid_scope: 'wallet_invalid_scope',
  vp_formats_not_supported: 'wallet_vp_formats_not_supported',
  invalid_request_uri_method: 'wallet_invalid_request_uri_method',
  invalid_transaction_data: 'wallet_invalid_transaction_data',
  wallet_unavailable: 'wallet_wallet_unavailable',
};

export const walletErrorCode = (error: string): ErrorCodeOf<'openid4vp_result'> =>
  (Object.hasOwn(WALLET_ERROR_CODES, error) ? WALLET_ERROR_CODES[error] : undefined) ?? 'wallet_error';
