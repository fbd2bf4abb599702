/**
 * Token endpoint, Pre-Authorized Code Flow (OpenID4VCI §6, RFC 6749 §4.1.3 / §5): exchange a
 * pre-authorized code (and the transaction code, when the offer asked for one) for a
 * short-lived access token bound to the offer. Anonymous access: no client authentication
 * (§6.1, §12.3 `pre-authorized_grant_anonymous_access_supported`).
 *
 * Transaction codes (§13.6.3): every attempt is counted in the store BEFORE the comparison, at
 * most MAX_TX_CODE_ATTEMPTS are ever compared, and the code is burned by the last wrong one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PRE_AUTHORIZED_GRANT } from './build-issuer-metadata.js';
import { issueAccessToken } from './issue-access-token.js';
import { hashSecret, hashTxCode, sameHash } from './vci-secrets.js';
import { tokenError, type TokenErrorExtra } from './vci-errors.js';
import { singleParam } from './form-params.js';
import { MAX_TX_CODE_ATTEMPTS, type VciDeps } from './vci-deps.js';
import { checkSenderPolicy, type SenderBinding } from './sender-binding.js';
import { newRefreshToken } from './refresh/issue-refresh-token.js';
import { isSealed } from './authorization/claims-seal.js';
import type { VciOfferHead } from '../store/repositories/vci-repo.js';

export interface TokenResponse {
  access_token: string;
  /** RFC 9449 §5: `DPoP` for a token bound to the request's DPoP key. */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  /** RFC 6749 §5.1: when REFRESH_TOKEN_TTL_SECONDS is above 0 (refresh/issue-refresh-token.ts). */
  refresh_token?: string;
}

const NEW_OFFER_KO = '발급기관에 새 발급 제안을 요청하십시오.';

/** Why a pre-authorized code is refused, by its `code_state`, in both languages. */
const CODE_REFUSALS: Record<NonNullable<TokenErrorExtra['code_state']>, { en: string; ko: string }> = {
  unknown: { en: 'the pre-authorized code is unknown', ko: `알 수 없는 사전 인가 코드입니다. ${NEW_OFFER_KO}` },
  used: { en: 'the pre-authorized code was already used', ko: `이미 사용된 사전 인가 코드입니다. ${NEW_OFFER_KO}` },
  locked: {
    en: 'the pre-authorized code was locked after too many wrong transaction codes',
    ko: `거래 코드를 여러 번 잘못 입력하여 사전 인가 코드가 잠겼습니다. ${NEW_OFFER_KO}`,
  },
  expired: { en: 'the pre-authorized code has expired', ko: `사전 인가 코드의 유효 시간이 지났습니다. ${NEW_OFFER_KO}` },
};

const codeRefused = (state: keyof typeof CODE_REFUSALS) =>
  tokenError('invalid_grant', CODE_REFUSALS[state].en, CODE_REFUSALS[state].ko, { code_state: state });

/** Why a code that was read can no longer be redeemed, in the order the token step checks it; undefined while it can. */
function deadState(offer: VciOfferHead, now: number): 'used' | 'locked' | 'expired' | undefined {
  if (offer.redeemed_at !== null) return 'used';
  if (offer.burned_at !== null) return 'locked';
  if (offer.expires_at <= now) return 'expired';
  return undefined;
}

/** How long a request that found every attempt taken waits for the requests that took them. */
const SETTLE_POLL_MS = 20;
const SETTLE_POLLS = 50;

/**
 * The refusal for a code whose count or redemption failed, by the head read again in a new
 * statement: it sees what the rival committed (READ COMMITTED), so the wallet hears "used" when a
 * parallel request redeemed the code, "locked" when a wrong guess burned it. Attempts at the limit
 * with neither yet: the counted requests are still comparing, and one of them will redeem or burn
 * the code in a moment; this request was never compared (§13.6.3), so it waits for their outcome
 * rather than call a code "locked" that the right transaction code is redeeming. One that never
 * settles (its request died after counting) is locked: no attempt is left.
 */
async function refusedSince(deps: Pick<VciDeps, 'store' | 'clock'>, codeHash: string, otherwise: 'used' | 'locked') {
  for (let poll = 0; ; poll++) {
    const offer = await deps.store.vci.offerHeadByCodeHash(codeHash);
    // Purged after its expiry (vci-repo.ts purgeExpired).
    if (!offer) return codeRefused('expired');
    // Read at each look: a code that expires while the counted requests settle is told expired.
    const state = deadState(offer, deps.clock.now());
    if (state !== undefined) return codeRefused(state);
    if (otherwise === 'used') return codeRefused('used');
    if (offer.tx_attempts < MAX_TX_CODE_ATTEMPTS || poll >= SETTLE_POLLS)
      return tokenError('invalid_grant', CODE_REFUSALS.locked.en, CODE_REFUSALS.locked.ko, {
        code_state: 'locked',
        tx_code_attempts_left: 0,
      });
    await sleep(SETTLE_POLL_MS);
  }
}

export async function redeemPreAuthorizedCode(
  deps: Pick<VciDeps, 'store' | 'clock' | 'config'>,
  form: Record<string, unknown>,
  sender: SenderBinding = {},
): Promise<TokenResponse> {
  const grantType = singleParam(form, 'grant_type');
  if (grantType === undefined || grantType === '')
    throw tokenError('invalid_request', 'grant_type is required', '요청에 인가 방식(grant_type)이 없습니다.');
  // RFC 6749 §5.2: the token route hands the other grants it offers to their own modules; any
  // other is named by what is offered (as grant_types_supported in the metadata says).
  if (grantType !== PRE_AUTHORIZED_GRANT) {
    const offered = [
      PRE_AUTHORIZED_GRANT,
      ...(deps.config.authorizationCode ? ['authorization_code'] : []),
      ...(deps.config.refreshTokenTtlSeconds > 0 ? ['refresh_token'] : []),
    ].join(', ');
    throw tokenError(
      'unsupported_grant_type',
      `this issuer takes grant_type ${offered}`,
      `이 발급기관이 받는 인가 방식(grant_type)은 ${offered}입니다.`,
    );
  }
  const code = singleParam(form, 'pre-authorized_code');
  // §6.1: pre-authorized_code MUST be present with this grant type.
  if (code === undefined || code === '')
    throw tokenError('invalid_request', 'pre-authorized_code is required', '요청에 사전 인가 코드(pre-authorized_code)가 없습니다.');
  const txCode = singleParam(form, 'tx_code');

  const now = deps.clock.now();
  const codeHash = hashSecret(code);
  const offer = await deps.store.vci.offerHeadByCodeHash(codeHash);
  // §6.3 invalid_grant: wrong or expired code; §3.5 / §4.1.1: the code is single use.
  // Which of them it was goes in `code_state`, so the wallet can say it in words (the holder of
  // the code learns nothing about any other offer).
  // An authorization code's offer row (finish-authorization.ts) is reached by its code too, and
  // its claims are sealed under that code: it is redeemed only with PKCE, redirect_uri and
  // client_id (redeem-authorization-code.ts), never as a pre-authorized code (RFC 7636 §4.6).
  if (!offer || (offer.claims_head !== null && isSealed(offer.claims_head))) throw codeRefused('unknown');
  const state = deadState(offer, now);
  if (state !== undefined) throw codeRefused(state);
  // Before any tx_code attempt is counted: a request refused for its missing DPoP or attestation costs none.
  checkSenderPolicy(deps.config, offer.configuration_id, sender);

  if (offer.tx_code_hash === null) {
    // §6.3 invalid_request: a transaction code was sent but none was expected.
    if (txCode !== undefined)
      throw tokenError(
        'invalid_request',
        'this offer does not use a tx_code',
        '거래 코드가 없는 발급 제안입니다. 거래 코드(tx_code) 없이 보내십시오.',
      );
  } else {
    // §6.3 invalid_request: a transaction code is expected but missing.
    if (txCode === undefined)
      throw tokenError(
        'invalid_request',
        'tx_code is required for this offer',
        '이 발급 제안에는 거래 코드(tx_code)가 필요합니다. 발급기관에서 받은 거래 코드를 입력하십시오.',
      );
    // Our tx_codes are `tx_code_length` ASCII digits (§4.1.1 input_mode numeric, create-offer.ts).
    // A value that cannot be one (empty, letters, another length, full-width digits as a Korean
    // IME may type them) is a slip of the wallet or the keyboard, not a guess: refused without
    // using up an attempt. Compared as bytes, never normalised into a match (SECURITY.md, Unicode).
    const length = offer.tx_code_length ?? 0;
    if (txCode.length !== length || !/^[0-9]+$/.test(txCode))
      throw tokenError(
        'invalid_request',
        `the tx_code is ${length} digits (0-9); no attempt was counted`,
        `거래 코드는 숫자(0–9) ${length}자리입니다. 발급기관에서 받은 번호를 반각 숫자로 입력하십시오.`,
      );
    const attempts = await deps.store.vci.countTxAttempt(offer.id, now, MAX_TX_CODE_ATTEMPTS);
    if (attempts === undefined) throw await refusedSince(deps, codeHash, 'locked');
    if (!sameHash(hashTxCode(offer.id, txCode), offer.tx_code_hash)) {
      // §13.6.3: after the limit, the code is invalidated and further requests get invalid_grant.
      if (attempts >= MAX_TX_CODE_ATTEMPTS) await deps.store.vci.burn(offer.id, now);
      const left = Math.max(0, MAX_TX_CODE_ATTEMPTS - attempts);
      throw tokenError(
        'invalid_grant',
        `the tx_code is wrong; ${left} attempt(s) left`,
        left > 0
          ? `거래 코드가 맞지 않습니다. ${left}번 더 시도할 수 있습니다.`
          : `거래 코드가 맞지 않아 사전 인가 코드가 잠겼습니다. ${NEW_OFFER_KO}`,
        {
          tx_code_attempts_left: left,
          ...(left === 0 && { code_state: 'locked' as const }),
        },
      );
    }
  }

  const token = issueAccessToken(now, deps.config.accessTokenTtlSeconds);
  const bound = { hash: token.hash, expiresAt: token.expiresAt, dpopJkt: sender.dpopJkt, walletClient: sender.walletClient };
  const refresh = newRefreshToken(deps.config, { offerId: offer.id, now, ...sender });
  // Lost a race: another redemption, the burn by a parallel last wrong guess, or the expiry.
  if (!(await deps.store.vci.redeem(offer.id, now, bound, refresh?.row))) throw await refusedSince(deps, codeHash, 'used');
  return {
    access_token: token.token,
    token_type: sender.dpopJkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: token.expiresIn,
    ...(refresh && { refresh_token: refresh.token }),
  };
}
