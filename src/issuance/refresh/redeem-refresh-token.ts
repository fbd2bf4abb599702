/**
 * Token endpoint, `refresh_token` grant (RFC 6749 §6; OpenID4VCI §6; REFRESH_TOKEN_TTL_SECONDS),
 * as a story: the refresh token is known → not used before (else the whole grant is revoked:
 * RFC 9700 §4.14.2 rotation with reuse detection) → not expired → the sender is the one it was
 * issued to (RFC 9449 §5: the same DPoP key; the same attested wallet client, RFC 6749 §6) and the
 * configuration's sender policy holds → the offer still has something to issue → ONE transaction
 * uses the token up, retires the grant's access tokens and stores a new access and refresh token
 * (the Authorization Code Flow's claims re-sealed under both) → the same response as the code gave.
 */
import { AppError } from '../../errors.js';
import { hashSecret } from '../vci-secrets.js';
import { singleParam } from '../form-params.js';
import { tokenError } from '../vci-errors.js';
import { dpopError } from '../dpop/dpop-errors.js';
import { issueAccessToken } from '../issue-access-token.js';
import { checkSenderPolicy, type SenderBinding } from '../sender-binding.js';
import type { VciDeps } from '../vci-deps.js';
import { openSealedClaims, sealClaims } from '../authorization/claims-seal.js';
import { whatIsAuthorized, type AuthorizationCodeTokenResponse } from '../authorization/redeem-authorization-code.js';
import { grantExpiresAt, newRefreshToken } from './issue-refresh-token.js';

/** RFC 6749 §6: the grant type. */
export const REFRESH_TOKEN_GRANT = 'refresh_token';

const REUSED = 'the refresh token was already used; every token of this grant is revoked';
const REUSED_KO = '이미 사용된 갱신 토큰입니다. 도용을 막기 위해 이 인가로 발급한 토큰을 모두 무효로 했습니다.';
const UNKNOWN = 'the refresh token is unknown, expired or revoked';
const UNKNOWN_KO = '알 수 없거나, 만료되었거나, 무효가 된 갱신 토큰입니다. 발급 절차를 처음부터 다시 시작하십시오.';
const ALL_ISSUED = 'everything this grant covers was already issued';
const ALL_ISSUED_KO = '이 인가로 받을 수 있는 증명서를 이미 모두 발급했습니다.';

export async function redeemRefreshToken(
  deps: Pick<VciDeps, 'store' | 'clock' | 'config'>,
  form: Record<string, unknown>,
  sender: SenderBinding = {},
): Promise<AuthorizationCodeTokenResponse> {
  const raw = form.refresh_token;
  // RFC 6749 §3.2 / §6: refresh_token REQUIRED, once.
  if (raw === undefined || raw === '')
    throw tokenError('invalid_request', 'refresh_token is required', '요청에 갱신 토큰(refresh_token)이 없습니다.');
  if (typeof raw !== 'string')
    throw tokenError('invalid_request', 'refresh_token must be given exactly once', '갱신 토큰(refresh_token)은 한 번만 보내야 합니다.');
  // OpenID4VCI tokens cover the credentials of their grant; a narrower scope is not offered.
  if (form.scope !== undefined)
    throw tokenError(
      'invalid_request',
      'scope cannot be changed with a refresh',
      '갱신 토큰으로는 범위(scope)를 바꿀 수 없습니다. 범위 없이 보내십시오.',
    );

  const now = deps.clock.now();
  const hash = hashSecret(raw);
  const row = await deps.store.refreshTokens.byHash(hash);
  if (!row) throw tokenError('invalid_grant', UNKNOWN, UNKNOWN_KO);
  // RFC 9700 §4.14.2: a rotated refresh token used again was stolen or replayed: revoke the grant.
  if (row.used_at !== null) {
    await deps.store.refreshTokens.revokeFamily(row.offer_id, now);
    throw tokenError('invalid_grant', REUSED, REUSED_KO);
  }
  if (row.expires_at <= now) throw tokenError('invalid_grant', UNKNOWN, UNKNOWN_KO);
  // RFC 9449 §5: a refresh token bound to a DPoP key is used only with a proof by that key.
  if (row.dpop_jkt !== null) {
    if (sender.dpopJkt === undefined)
      throw dpopError(
        'invalid_dpop_proof',
        'this refresh token is DPoP-bound; send a DPoP proof by its key',
        '이 갱신 토큰은 DPoP 키에 묶여 있습니다. 그 키로 만든 DPoP 증명을 함께 보내십시오.',
        'token',
      );
    if (sender.dpopJkt !== row.dpop_jkt)
      throw tokenError(
        'invalid_grant',
        'the DPoP proof key is not the key this refresh token is bound to',
        'DPoP 증명의 키가 이 갱신 토큰에 묶인 키가 아닙니다.',
      );
  }
  // RFC 6749 §6: the refresh token was issued to the client that authenticates now.
  if (row.wallet_client !== null) {
    if (sender.walletClient === undefined)
      throw new AppError('invalid_client', 'this refresh token was issued to an attested wallet; send its wallet attestation', {
        ko: '지갑 증명을 제출한 지갑에 발급된 갱신 토큰입니다. 그 지갑의 지갑 증명을 함께 보내십시오.',
      });
    if (sender.walletClient !== row.wallet_client)
      throw tokenError('invalid_grant', 'the refresh token was issued to another client', '다른 클라이언트에 발급된 갱신 토큰입니다.');
    // Attestation-based client auth §9.3: to that wallet instance (its attestation key), not to any
    // copy of the same wallet app that holds an attestation of its own.
    if (row.wallet_instance_jkt !== null && sender.walletInstanceJkt !== row.wallet_instance_jkt)
      throw tokenError(
        'invalid_grant',
        'the refresh token was issued to another instance of this wallet',
        '같은 지갑 앱의 다른 설치본에 발급된 갱신 토큰입니다.',
      );
  }
  const offer = await deps.store.vci.offer(row.offer_id);
  if (!offer || offer.issued_at !== null || offer.claims === null) throw tokenError('invalid_grant', ALL_ISSUED, ALL_ISSUED_KO);
  checkSenderPolicy(deps.config, offer.configuration_id, { ...sender, dpopJkt: row.dpop_jkt ?? sender.dpopJkt });
  // The Authorization Code Flow's claims: sealed under this refresh token, re-sealed under the new pair.
  const claims = row.claims === null ? undefined : openSealedClaims(row.claims, raw);
  if (row.claims !== null && claims === undefined) throw tokenError('invalid_grant', UNKNOWN, UNKNOWN_KO);

  // Read before the rotation: once the old token is used up, a read that fails would cost the wallet its grant.
  const req = await deps.store.authorizationRequests.byCodeOfferId(offer.id);
  // RFC 6749 §6: issued to the client of the code's request; a client_id that names another is refused.
  const clientId = singleParam(form, 'client_id');
  if (req && clientId !== undefined && clientId !== req.client_id)
    throw tokenError('invalid_grant', 'the refresh token was issued to another client', '다른 클라이언트에 발급된 갱신 토큰입니다.');
  // The new pair keeps the binding: the same DPoP key (or the one proven now, for an unbound grant).
  const dpopJkt = row.dpop_jkt ?? sender.dpopJkt;
  const access = issueAccessToken(now, deps.config.accessTokenTtlSeconds);
  const next = newRefreshToken(deps.config, {
    offerId: offer.id,
    now,
    dpopJkt,
    walletClient: row.wallet_client,
    walletInstanceJkt: row.wallet_instance_jkt,
    claims,
  })!;
  const rotated = await deps.store.refreshTokens.rotate({
    oldHash: hash,
    offerId: offer.id,
    now,
    offerExpiresAt: grantExpiresAt(access.expiresAt, next),
    offerClaims: claims === undefined ? undefined : sealClaims(claims, access.token),
    access: {
      token_hash: access.hash,
      offer_id: offer.id,
      created_at: now,
      expires_at: access.expiresAt,
      dpop_jkt: dpopJkt ?? null,
      wallet_client: row.wallet_client,
    },
    refresh: next.row,
  });
  // The offer was issued or its grant revoked meanwhile; or another request used the token first (a
  // concurrent reuse: RFC 9700 §4.14.2, the grant is revoked), revoked its grant (the row is gone)
  // or it expired.
  if (rotated === 'offer') {
    // Issued meanwhile, or its grant revoked (revokeFamily drops the claims as it deletes the tokens).
    if ((await deps.store.vci.offer(offer.id))?.issued_at != null) throw tokenError('invalid_grant', ALL_ISSUED, ALL_ISSUED_KO);
    throw tokenError('invalid_grant', UNKNOWN, UNKNOWN_KO);
  }
  if (rotated === 'token') {
    const again = await deps.store.refreshTokens.byHash(hash);
    if (again === undefined || again.used_at === null) throw tokenError('invalid_grant', UNKNOWN, UNKNOWN_KO);
    await deps.store.refreshTokens.revokeFamily(row.offer_id, now);
    throw tokenError('invalid_grant', REUSED, REUSED_KO);
  }
  return {
    access_token: access.token,
    token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    refresh_token: next.token,
    ...(req && whatIsAuthorized(req, offer)),
  };
}
