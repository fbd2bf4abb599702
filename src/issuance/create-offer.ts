/**
 * Creating a credential offer (OpenID4VCI §4.1) for the Pre-Authorized Code Flow (§3.5), as a
 * story: check the type and the client's right to it → validate the claims now (a wallet must
 * never be the first to hear they are wrong) → mint a secret offer reference, derive its
 * pre-authorized code, optionally a transaction code → store hashes and the claims → hand back
 * the `openid-credential-offer://` link, which carries the offer by reference (§4.1.3) so the
 * QR stays small.
 */
import { randomText } from '../random-source.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { badRequest } from '../errors.js';
import { validateClaims } from '../catalog/validate-claims.js';
import { resolveType } from './issue-credential.js';
import { configurationIdOf, PRE_AUTHORIZED_GRANT, VCI_PATHS } from './build-issuer-metadata.js';
import { deriveCode, hashSecret, hashTxCode, newSecret, newTxCode } from './vci-secrets.js';
import { EXPIRED_ROW_KEEP_MS, TX_CODE_LENGTH, type VciDeps } from './vci-deps.js';
import { purgeExpiredVciState } from './purge-expired-vci-state.js';

export interface OfferRequest {
  type: string;
  claims: unknown;
  format?: string;
  /** The same claims offered in several formats: one credential configuration each (issue 18). */
  formats?: string[];
  txCode?: boolean;
  /** The agency defers issuance until it completes or refuses it (OpenID4VCI §9). */
  deferred?: boolean;
  /** An offer for the Authorization Code Flow: no claims now, an `issuer_state` (authorization/authorization-code-offer.ts). */
  authorizationCode?: boolean;
}

export interface CreatedOffer {
  id: string;
  /** The secret reference in credential_offer_uri (never stored, only its hash). */
  ref: string;
  credentialOfferUri: string;
  /** `openid-credential-offer://?credential_offer_uri=…` (§4.1, §12.1.1). */
  offerLink: string;
  /** Given to the issuer to pass to the holder on a second channel (§3.5); absent when not asked for. */
  txCode?: string;
  configurationId: string;
  expiresAt: number;
}

/** The scheme wallets register when the issuer cannot discover a wallet's offer endpoint (§12.1.1). */
export const OFFER_SCHEME = 'openid-credential-offer://';

export const offerUri = (publicUrl: string, ref: string) => `${publicUrl}${VCI_PATHS.offer}/${ref}`;

export async function createOffer(deps: VciDeps, client: ApiClient, req: OfferRequest): Promise<CreatedOffer> {
  const { type, format } = resolveType(deps.catalog, client, req.type, req.formats?.[0] ?? req.format);
  const configurationIds = offeredConfigurations(deps, client, req);
  if (req.authorizationCode) {
    if (!deps.config.authorizationCode)
      throw badRequest(
        'invalid_request',
        'the authorization code flow is not configured here (OIDC_ISSUER)',
        undefined,
        '이 서비스에는 인가 코드 방식이 설정되어 있지 않습니다(OIDC_ISSUER).',
      );
    if (req.claims !== undefined || req.txCode)
      throw badRequest(
        'invalid_request',
        'an authorization_code offer carries no claims and no tx_code: the claims source answers after the login',
        undefined,
        '인가 코드 방식의 발급 제안에는 항목(claims)과 거래 코드를 넣을 수 없습니다. 항목 값은 본인 확인 뒤에 항목 제공 서비스가 보냅니다.',
      );
  }
  const claims = req.authorizationCode ? null : validateClaims(type, req.claims);
  const now = deps.clock.now();
  await purgeExpiredVciState(deps, now, EXPIRED_ROW_KEEP_MS);

  const id = randomText(12, 'hex');
  const ref = newSecret();
  const txCode = req.txCode ? newTxCode(TX_CODE_LENGTH) : undefined;
  const expiresAt = now + deps.config.offerTtlSeconds * 1000;
  const configurationId = configurationIdOf(type, format);
  await deps.store.vci.insertOffer({
    id,
    ref_hash: hashSecret(ref),
    // An authorization_code offer has no pre-authorized code: the hash of a secret nobody holds.
    code_hash: hashSecret(req.authorizationCode ? newSecret() : deriveCode(ref)),
    client_id: client.id,
    type: type.id,
    format,
    configuration_id: configurationId,
    claims: claims === null ? null : JSON.stringify(claims),
    tx_code_hash: txCode === undefined ? null : hashTxCode(id, txCode),
    tx_code_length: txCode === undefined ? null : txCode.length,
    created_at: now,
    expires_at: expiresAt,
    redeemed_at: null,
    burned_at: null,
    issued_at: null,
    // Only when used, so the common offer keeps its prepared INSERT (vci-repo.ts).
    ...(configurationIds.length > 1 && { configuration_ids: JSON.stringify(configurationIds) }),
    ...(req.deferred === true && { deferred: 1 }),
  });
  const credentialOfferUri = offerUri(deps.config.publicUrl, ref);
  return {
    id,
    ref,
    credentialOfferUri,
    offerLink: `${OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(credentialOfferUri)}`,
    ...(txCode !== undefined && { txCode }),
    configurationId,
    expiresAt,
  };
}

/** Every configuration the offer covers: one per format asked for (`formats` wins over `format`), each resolved for this client. */
function offeredConfigurations(deps: VciDeps, client: ApiClient, req: OfferRequest): string[] {
  const formats = req.formats ?? [req.format];
  if (new Set(formats).size !== formats.length)
    throw badRequest(
      'invalid_request',
      'formats must not repeat a format',
      undefined,
      '형식 목록(formats)에 같은 형식이 두 번 들어 있습니다.',
    );
  return formats.map((f) => {
    const { type, format } = resolveType(deps.catalog, client, req.type, f);
    return configurationIdOf(type, format);
  });
}

/**
 * The Credential Offer object (§4.1.1) served at credential_offer_uri. An authorization_code
 * offer's `issuer_state` is its reference (authorization/authorization-code-offer.ts).
 */
export function buildOfferObject(
  publicUrl: string,
  ref: string,
  configurationIds: readonly string[],
  txCodeLength: number | null,
  authorizationCode = false,
) {
  if (authorizationCode)
    return {
      credential_issuer: publicUrl,
      credential_configuration_ids: [...configurationIds],
      grants: { authorization_code: { issuer_state: ref } },
    };
  return {
    credential_issuer: publicUrl,
    credential_configuration_ids: [...configurationIds],
    grants: {
      [PRE_AUTHORIZED_GRANT]: {
        'pre-authorized_code': deriveCode(ref),
        ...(txCodeLength !== null && {
          tx_code: { input_mode: 'numeric', length: txCodeLength, description: 'Enter the code the issuing office sent you separately.' },
        }),
      },
    },
  };
}
