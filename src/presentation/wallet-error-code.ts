import { codesOfArea, type ErrorCodeOf } from '../errors.js';

type WalletResultCode = ErrorCodeOf<'openid4vp_result'>;

/** The `wallet_<error>` codes of the catalogue (OpenID4VP 1.0 §8.5: RFC 6749 §4.1.2.1 codes and the ones OpenID4VP adds). */
const WALLET_CODES: ReadonlySet<string> = new Set(codesOfArea('openid4vp_result').filter((c) => c.startsWith('wallet_')));

/**
 * The result code recorded when a wallet answers the Response URI with an error instead of a
 * vp_token: `wallet_<error>` when the catalogue has it, else `wallet_error`. The raw error is
 * kept beside it (`wallet_error` field).
 */
export const walletErrorCode = (error: string): WalletResultCode => {
  const code = `wallet_${error}`;
  return WALLET_CODES.has(code) ? (code as WalletResultCode) : 'wallet_error';
};
