/**
 * Token endpoint, Authorization Code grant (RFC 6749 §4.1.3, RFC 7636 §4.5, OpenID4VCI §6.1):
 * the code, its PKCE verifier and the redirect_uri of the pushed request → one conditional UPDATE
 * redeems the code and stores the access token, and the claims sealed under the code are sealed
 * again under the token → the response names the credential the token covers
 * (`authorization_details` with `credential_identifiers`, OpenID4VCI §6.2), which the wallet
 * sends as `credential_identifier` (or the configuration id) at the credential endpoint. With a
 * DPoP proof (RFC 9449 §5) the token is bound to its key (`token_type` DPoP); DPOP_REQUIRED and
 * WALLET_ATTESTATION_REQUIRED apply as to the pre-authorized grant.
 */
import { hash } from 'node:crypto';
import { isJsonObject } from '../../formats/jose/types.js';
import { issueAccessToken } from '../issue-access-token.js';
import { tokenError } from '../vci-errors.js';
import { checkSenderPolicy, type SenderBinding } from '../sender-binding.js';
import { hashSecret, sameHash } from '../vci-secrets.js';
import { openSealedClaims, sealClaims } from './claims-seal.js';
import { newRefreshToken } from '../refresh/issue-refresh-token.js';
import type { AuthorizationRequestRecord } from '../../store/repositories/authorization-requests-repo.js';
import type { VciOfferRecord } from '../../store/repositories/vci-repo.js';
import { authorizationError, readAuthorizationDetails, type AuthorizationDeps } from './authorization-deps.js';
import { singleParam } from '../form-params.js';
import { dpopError } from '../dpop/dpop-errors.js';

export interface AuthorizationCodeTokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  refresh_token?: string;
  authorization_details?: Record<string, unknown>[];
  scope?: string;
}

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const INVALID_GRANT = 'the authorization code is unknown, expired or already used';
const INVALID_GRANT_KO = '알 수 없거나, 만료되었거나, 이미 사용된 인가 코드입니다. 지갑에서 인가를 다시 시작하십시오.';

export async function redeemAuthorizationCode(
  deps: AuthorizationDeps,
  form: Record<string, unknown>,
  sender: SenderBinding = {},
): Promise<AuthorizationCodeTokenResponse> {
  const code = singleParam(form, 'code');
  const verifier = singleParam(form, 'code_verifier');
  const redirectUri = singleParam(form, 'redirect_uri');
  const clientId = singleParam(form, 'client_id');
  if (code === undefined || code === '') throw tokenError('invalid_request', 'code is required', '요청에 인가 코드(code)가 없습니다.');
  if (verifier === undefined)
    throw tokenError('invalid_request', 'code_verifier is required (PKCE)', 'PKCE 검증 값(code_verifier)이 없습니다.');
  if (redirectUri === undefined) throw tokenError('invalid_request', 'redirect_uri is required', '돌아올 주소(redirect_uri)가 없습니다.');
  const resource = singleParam(form, 'resource');
  if (resource !== undefined && resource !== deps.config.publicUrl)
    throw tokenError(
      'invalid_request',
      'resource must be this credential issuer',
      '대상 자원(resource)은 이 발급기관의 식별자여야 합니다.',
    );

  const now = deps.clock.now();
  const offer = await deps.store.vci.offerByCodeHash(hashSecret(code));
  // RFC 6749 §4.1.2: a code used twice SHOULD revoke the tokens issued from it (it may have leaked).
  // Only an authorization code's: a pre-authorized code sent here is no reason to revoke anything.
  if (offer && offer.redeemed_at !== null) {
    if (await deps.store.authorizationRequests.byCodeOfferId(offer.id)) await deps.store.refreshTokens.revokeFamily(offer.id, now);
    throw tokenError('invalid_grant', INVALID_GRANT, INVALID_GRANT_KO);
  }
  if (!offer || offer.expires_at <= now || offer.burned_at !== null) throw tokenError('invalid_grant', INVALID_GRANT, INVALID_GRANT_KO);
  const req = await deps.store.authorizationRequests.byCodeOfferId(offer.id);
  if (!req) throw tokenError('invalid_grant', INVALID_GRANT, INVALID_GRANT_KO);
  // RFC 6749 §4.1.3: the code was issued to this client, for this redirect_uri. client_id is
  // checked when sent but not required: §4.1.3 requires it of an unauthenticated client, but the
  // OpenWallet Foundation's wallet library (@openid4vc/oauth2) leaves it out, and the code is
  // already bound to its client by the pushed request and to its wallet by PKCE (and DPoP).
  if (clientId !== undefined && clientId !== req.client_id)
    throw tokenError('invalid_grant', 'the code was issued to another client', '다른 클라이언트에 발급된 인가 코드입니다.');
  if (redirectUri !== req.redirect_uri)
    throw tokenError(
      'invalid_grant',
      'redirect_uri is not the one of the authorization request',
      '돌아올 주소(redirect_uri)가 인가 요청에 보낸 주소와 다릅니다.',
    );
  // RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge; VERIFIER (§4.1) admits
  // ASCII only, so its UTF-8 is its ASCII, and a malformed verifier is refused unhashed.
  if (!VERIFIER.test(verifier) || !sameHash(hash('sha256', verifier, 'base64url'), req.code_challenge))
    throw tokenError(
      'invalid_grant',
      'code_verifier does not match the code_challenge',
      'PKCE 검증 값(code_verifier)이 인가 요청의 코드 챌린지와 맞지 않습니다.',
    );

  // OpenID4VCI §6.1: authorization_details here may narrow the request, never widen it.
  const details = readAuthorizationDetails(form);
  if (details !== undefined) {
    if (
      details.length === 0 ||
      !details.every((d) => isJsonObject(d) && d.type === 'openid_credential' && d.credential_configuration_id === offer.configuration_id)
    )
      throw authorizationError(
        'invalid_authorization_details',
        'authorization_details asks for more than was authorized',
        '인가 상세(authorization_details)가 인가받은 범위보다 많은 것을 요청합니다.',
      );
  }

  // RFC 9449 §5 / HAIP §4.3, and attest_jwt_client_auth / HAIP §4.4.1 (WALLET_ATTESTATION_REQUIRED):
  // refused before the code is used, so a retry with a proof and an attestation can redeem it. A
  // code the PAR got without an attestation (the policy came later) is no way around it.
  checkSenderPolicy(deps.config, offer.configuration_id, sender);
  // RFC 9449 §10: a code bound to a DPoP key at PAR is redeemed only with a proof by that key.
  if (req.dpop_jkt !== null) {
    if (sender.dpopJkt === undefined)
      throw dpopError(
        'invalid_dpop_proof',
        'this authorization code is bound to a DPoP key; send a DPoP proof by it',
        '이 인가 코드는 DPoP 키에 묶여 있습니다. 그 키로 만든 DPoP 증명을 함께 보내십시오.',
        'token',
      );
    if (sender.dpopJkt !== req.dpop_jkt)
      throw tokenError(
        'invalid_grant',
        'the DPoP proof key is not the key the code is bound to',
        'DPoP 증명의 키가 이 인가 코드에 묶인 키가 아닙니다.',
      );
  }
  // §7.1 (7): an attestation authenticates the client the code was issued to, no other.
  if (sender.walletClient !== undefined && sender.walletClient !== req.client_id)
    throw tokenError('invalid_grant', 'the code was issued to another client', '다른 클라이언트에 발급된 인가 코드입니다.');

  const claims = offer.claims === null ? undefined : openSealedClaims(offer.claims, code);
  if (claims === undefined) throw tokenError('invalid_grant', INVALID_GRANT, INVALID_GRANT_KO);
  const token = issueAccessToken(now, deps.config.accessTokenTtlSeconds);
  const refresh = newRefreshToken(deps.config, { offerId: offer.id, now, ...sender, claims });
  if (
    !(await deps.store.authorizationRequests.redeemCode(
      offer.id,
      now,
      { hash: token.hash, expiresAt: token.expiresAt, dpopJkt: sender.dpopJkt, walletClient: sender.walletClient },
      sealClaims(claims, token.token),
      refresh?.row,
    ))
  ) {
    // Another request redeemed the code first: a second use all the same (RFC 6749 §4.1.2), though
    // it raced the first instead of following it, so the tokens that request got are revoked too.
    if ((await deps.store.vci.offer(offer.id))?.redeemed_at != null) await deps.store.refreshTokens.revokeFamily(offer.id, now);
    throw tokenError('invalid_grant', INVALID_GRANT, INVALID_GRANT_KO);
  }

  return {
    access_token: token.token,
    token_type: sender.dpopJkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: token.expiresIn,
    ...(refresh && { refresh_token: refresh.token }),
    // §6.2: authorization_details is REQUIRED in the answer when the token request used it too.
    ...whatIsAuthorized(req, offer, details !== undefined),
  };
}

/**
 * OpenID4VCI §6.2: what a token of the Authorization Code Flow covers, as the token response says
 * it (with a code, and again with each refresh): the request's authorization_details with the
 * credential_identifiers, or its scope.
 */
export function whatIsAuthorized(
  req: Pick<AuthorizationRequestRecord, 'authorization_details' | 'scope'>,
  offer: Pick<VciOfferRecord, 'id' | 'configuration_id'>,
  /** The token request carried authorization_details (a request made with scope then answers them too). */
  askedWithDetails = false,
): Pick<AuthorizationCodeTokenResponse, 'authorization_details' | 'scope'> {
  const authorized = { type: 'openid_credential', credential_configuration_id: offer.configuration_id, credential_identifiers: [offer.id] };
  return {
    ...(req.authorization_details !== null && {
      authorization_details: [{ ...(JSON.parse(req.authorization_details) as object), ...authorized }],
    }),
    ...(req.authorization_details === null && askedWithDetails && { authorization_details: [authorized] }),
    ...(req.scope !== null && { scope: req.scope }),
  };
}
