/**
 * Credential endpoint (OpenID4VCI §8), as a story: authorize the access token → read the
 * request → check every key proof → check the offer can still be issued → sign one credential
 * per proof, each bound to its own key with its own salts and random status index → consume the
 * c_nonces and the offer, and store the credentials' records, in ONE transaction (this is the
 * point of no return) → answer.
 *
 * Nothing is issued twice for one offer: the offer is marked issued, and its claims leave the
 * store, in the same transaction that consumes the nonces and records what was signed. A request
 * that transaction refuses (a used c_nonce, a configuration already issued) leaves nothing, and
 * its signatures are never sent. A crash (or a store fault) after that commit and before the
 * answer leaves the offer used: at most once, never twice. The issuer makes a new offer; records
 * of credentials that were signed but never delivered stay in the registry and can be revoked.
 */
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { Claims } from '../catalog/types.js';
import { isJsonObject } from '../formats/jose/types.js';
import { validateClaims } from '../catalog/validate-claims.js';
import { MAX_SLOT_TRIES, prepareIssuance, resolveType, slotsExhausted } from './issue-credential.js';
import { credentialFormat } from '../formats/registry.js';
import { resolveConfiguration, type CredentialConfiguration } from './build-issuer-metadata.js';
import { checkProofJwt, type CheckedProof } from './check-proof-jwt.js';
import { bearerError, credentialError, requiredString } from './vci-errors.js';
import { hashSecret } from './vci-secrets.js';
import { cNonceKey, readCNonce } from './c-nonce.js';
import { issuanceDepsOf, PROOF_IAT_SKEW_SECONDS, type VciDeps } from './vci-deps.js';
import type { VciOfferRecord } from '../store/repositories/vci-repo.js';
import type { ConsumeConfigurationRefusal, UsedNonce } from '../store/repositories/vci-issuance-repo.js';
import type { WriteStep } from '../store/batch-writer.js';
import type { JWK } from 'jose';
import { coveredConfigurations } from './offer-configurations.js';
import { credentialIdsFor } from './issue-for-holders.js';
import { deferredTransaction, isDeferred, type DeferredResponse } from './deferred/open-deferred.js';
import { notificationSteps } from './notifications/create-notification.js';
import { readProofList, type ProofList } from './read-proof-list.js';
import { checkAttestationProof } from './key-attestation/check-key-attestation.js';
import { NO_WALLET_PROVIDERS } from './client-attestation/trusted-wallet-providers.js';
import { requiredFor } from './configuration-policy.js';
import { isSealed, offerClaimsText } from './authorization/claims-seal.js';

export interface CredentialResponse {
  credentials: { credential: string }[];
  /** §8.3 / §11: what the wallet reports on at the notification endpoint. */
  notification_id: string;
}
export type { DeferredResponse };

/** The same refusal wherever a used-up token or a bad c_nonce is found (the first read, the consume). */
const tokenUsed = () =>
  bearerError(
    'invalid_token',
    'the access token was already used',
    '이미 사용된 접근 토큰입니다. 이 토큰으로 받을 증명서는 모두 발급했습니다.',
  );
const tokenGone = () =>
  bearerError('invalid_token', 'the access token is unknown or expired', '알 수 없거나 만료된 접근 토큰입니다. 토큰을 다시 받으십시오.');
const nonceRefused = () =>
  credentialError(
    'invalid_nonce',
    'a proof carries an unknown, expired or used c_nonce; get a new one',
    '키 소유 증명의 일회용 값(c_nonce)이 이 발급기관이 준 값이 아니거나, 만료되었거나, 이미 사용되었습니다. 새 값을 받아 증명을 다시 만드십시오.',
  );
/**
 * RFC 6750 §3.1 / OpenID4VCI §8.3.1.1: the token is known, unexpired and its offer not yet issued,
 * with its DPoP binding (RFC 9449 §6: the `jkt` it is bound to, or null). One indexed read (token
 * joined to its offer) and no write, so the HTTP layer runs it before reading the body.
 */
export async function authorizeBoundAccessToken(
  deps: VciDeps,
  accessToken: string,
  now: number,
): Promise<{ offer: VciOfferRecord; dpopJkt: string | null }> {
  const found = await deps.store.vci.offerByAccessToken(hashSecret(accessToken));
  if (!found || found.tokenExpiresAt <= now) throw tokenGone();
  const { offer } = found;
  if (offer.issued_at !== null || offer.claims === null) throw tokenUsed();
  return { offer, dpopJkt: found.dpopJkt };
}

/** §8.2: which configuration is asked for; §8.3.1.2 codes for what is wrong with the request. */
function readConfiguration(deps: VciDeps, body: Record<string, unknown>, offer: VciOfferRecord): CredentialConfiguration {
  // §8.2: credential_identifier only when the token response returned credential_identifiers: the
  // Authorization Code Flow with authorization_details returns the offer row's id (authorization/).
  if (body.credential_identifier !== undefined) {
    if (body.credential_configuration_id !== undefined)
      throw credentialError(
        'invalid_credential_request',
        'send credential_identifier or credential_configuration_id, not both',
        '증명서 식별자(credential_identifier)와 증명서 구성 식별자(credential_configuration_id) 중 하나만 보내십시오.',
      );
    if (body.credential_identifier !== offer.id || !isSealed(offer.claims ?? ''))
      throw credentialError(
        'invalid_credential_request',
        'credential_identifier is not one the token response returned',
        '증명서 식별자(credential_identifier)가 토큰 응답에서 받은 값이 아닙니다.',
      );
    return resolveConfiguration(deps.catalog, offer.configuration_id)!;
  }
  // §8.2 credential_response_encryption is read (and refused when bad) by readResponseEncryption.
  const id = body.credential_configuration_id;
  const configuration = resolveConfiguration(deps.catalog, requiredString(id, 'credential_configuration_id', 'invalid_credential_request'));
  if (!configuration)
    throw credentialError(
      'unknown_credential_configuration',
      'no such credential configuration',
      '요청한 증명서 구성이 이 발급기관에 없습니다. 발급기관 메타데이터에 있는 구성 식별자를 보내십시오.',
    );
  // §6.1: the token is valid only for the credentials of its offer; §8.3.1.1 / RFC 6750 §3.1.
  if (!coveredConfigurations(offer).includes(configuration.id))
    throw bearerError(
      'insufficient_scope',
      'the access token does not cover this credential configuration',
      '이 접근 토큰으로는 요청한 증명서 구성을 받을 수 없습니다. 발급 제안에 있는 구성을 요청하십시오.',
    );
  return configuration;
}

/** §8.2 `proofs` (exactly one proof type, a non-empty array), Appendix F.1 `jwt`, §F `attestation`, §12.2.4 `batch_size`. */
function readProofs(deps: VciDeps, body: Record<string, unknown>, configuration: CredentialConfiguration): ProofList {
  const proofs = body.proofs;
  if (!configuration.keyBound) {
    if (proofs !== undefined || body.proof !== undefined)
      throw credentialError(
        'invalid_credential_request',
        'this credential configuration is not key-bound; send no proofs',
        '소지자 키에 묶이지 않는 증명서 구성입니다. 키 소유 증명 없이 보내십시오.',
      );
    return { type: 'jwt', list: [] };
  }
  const read = readProofList(body);
  if (read.type === 'jwt' && read.list.length > deps.config.batchSize)
    throw credentialError(
      'invalid_credential_request',
      `at most ${deps.config.batchSize} proofs per request (batch_size)`,
      `키 소유 증명은 한 요청에 ${deps.config.batchSize}개까지 보낼 수 있습니다(batch_size).`,
    );
  return read;
}

/**
 * §F `attestation` proof type: one credential per attested key (§F: the issuer SHOULD issue one
 * for each), at most batch_size of them, all under the attestation's one c_nonce. Only where
 * wallet providers are trusted (the proof type is advertised then, and nothing else could pass).
 */
async function checkAttestationProofs(deps: VciDeps, attestation: unknown): Promise<{ proofs: CheckedProof[]; nonce: string }> {
  const checked = await checkAttestationProof(attestation, {
    walletProviders: deps.walletProviders ?? NO_WALLET_PROVIDERS,
    clock: deps.clock,
  });
  if (checked.keys.length > deps.config.batchSize)
    throw credentialError(
      'invalid_credential_request',
      `at most ${deps.config.batchSize} attested keys per request (batch_size)`,
      `키 증명이 보증하는 키는 한 요청에 ${deps.config.batchSize}개까지입니다(batch_size).`,
    );
  if (new Set(checked.attested).size !== checked.attested.length)
    throw credentialError('invalid_proof', 'the attestation names a key twice', '키 증명에 같은 키가 두 번 들어 있습니다.');
  return { proofs: checked.keys.map((jwk, i) => ({ jwk, jkt: checked.attested[i]!, nonce: checked.nonce })), nonce: checked.nonce };
}

async function checkProofs(deps: VciDeps, list: unknown[], configurationId: string): Promise<CheckedProof[]> {
  const opts = {
    issuer: deps.config.publicUrl,
    clock: deps.clock,
    maxAgeSeconds: deps.config.cNonceTtlSeconds,
    skewSeconds: PROOF_IAT_SKEW_SECONDS,
    ...(deps.walletProviders && { walletProviders: deps.walletProviders }),
    keyAttestationRequired:
      deps.config.keyAttestationRequired !== undefined && requiredFor(deps.config.keyAttestationRequired, configurationId),
    // A batch's proofs usually carry one attestation: verified once per request.
    keyAttestations: new Map(),
  };
  const checked: CheckedProof[] = [];
  for (const p of list) checked.push(await checkProofJwt(p, opts));
  // §8.3: each key provided by the wallet is bound to at most one credential. `jkt` is the RFC 7638
  // thumbprint of the key's one canonical encoding (checkHolderKey), so this compares keys, not JSON.
  if (new Set(checked.map((c) => c.jkt)).size !== checked.length)
    throw credentialError('invalid_proof', 'each proof must be for a different key', '키 소유 증명마다 서로 다른 키를 써야 합니다.');
  return checked;
}

/** The offer's issuer client may still issue this type, and the stored claims still validate (returned, validated). */
async function checkIssuable(
  deps: VciDeps,
  offer: VciOfferRecord,
  configuration: CredentialConfiguration,
  accessToken: string,
): Promise<{ client: ApiClient; claims: Claims }> {
  // Read as request authentication reads it (at most once per CLIENT_CACHE_MS): a revocation is seen
  // at once in this process and within that time in another.
  const client = await deps.store.clients.authenticated(offer.client_id, performance.now());
  // §8.3.1.2 credential_request_denied: the issuer no longer stands behind the offer.
  if (!client || client.revokedAt !== null || client.role !== 'issuer')
    throw credentialError(
      'credential_request_denied',
      'the issuer of this offer can no longer issue',
      '이 발급 제안을 만든 발급기관이 더 이상 발급할 수 없습니다.',
    );
  try {
    resolveType(deps.catalog, client, configuration.type.id, configuration.format);
    return { client, claims: validateClaims(configuration.type, JSON.parse(offerClaimsText(offer.claims, accessToken) ?? 'null')) };
  } catch {
    throw credentialError(
      'credential_request_denied',
      'the offered credential can no longer be issued',
      '제안된 증명서를 더 이상 발급할 수 없습니다.',
    );
  }
}

/**
 * `authorized`: what `authorizeBoundAccessToken` already returned for this token (the request is
 * not re-read; the consuming transaction below re-checks the offer is unused anyway): the offer,
 * and `dpopJkt` the key the token is bound to, which a deferred transaction and a notification keep.
 */
export async function issueOfferedCredentials(
  deps: VciDeps,
  accessToken: string,
  body: unknown,
  authorized: { offer: VciOfferRecord; dpopJkt: string | null },
): Promise<CredentialResponse | DeferredResponse> {
  const { offer, dpopJkt } = authorized;
  if (!isJsonObject(body))
    throw credentialError(
      'invalid_credential_request',
      'the credential request must be a JSON object',
      '증명서 요청 본문은 JSON 객체여야 합니다.',
    );
  const configuration = readConfiguration(deps, body, offer);
  const read = readProofs(deps, body, configuration);
  const viaAttestation = read.type === 'attestation' ? await checkAttestationProofs(deps, read.attestation) : undefined;
  const proofs = viaAttestation ? viaAttestation.proofs : await checkProofs(deps, read.type === 'jwt' ? read.list : [], configuration.id);
  const adapter = credentialFormat(configuration.format)!;
  // §8.3.1.2 invalid_proof: the proof key must be one this format can bind (an mdoc: P-256).
  if (adapter.acceptsHolderKey && !proofs.every((p) => adapter.acceptsHolderKey!(p.jwk)))
    throw credentialError(
      'invalid_proof',
      `${configuration.id} binds an EC P-256 key; sign the proofs with one`,
      `이 증명서 구성(${configuration.id})은 P-256 키에만 묶입니다. 키 소유 증명을 P-256 키로 서명하십시오.`,
    );
  const { client, claims: offeredClaims } = await checkIssuable(deps, offer, configuration, accessToken);

  // An HSM that is away would fail every signature after the point of no return: refuse before
  // it (503), so the wallet can try again with the same offer and nonces.
  if (adapter.documentSigned) deps.keys.assertCanSignDocuments();
  else deps.keys.assertCanSign(deps.config.keyAlg);
  const holders = proofs.map((p) => p.jwk);
  // §8.3.1.2 invalid_nonce: a c_nonce not made here, or expired (c-nonce.ts); one used before is
  // found when the consuming unit records it. One key attestation carries one c_nonce for all its keys.
  const nonces = await usedNonces(deps, viaAttestation ? [viaAttestation.nonce] : proofs.map((p) => p.nonce));
  const tokenHash = hashSecret(accessToken);
  const consume = (after: readonly WriteStep[]) =>
    deps.store.vciIssuance.consumeConfiguration(
      {
        offerId: offer.id,
        configurationId: configuration.id,
        covered: coveredConfigurations(offer).length,
        nonces,
        now: deps.clock.now(),
        tokenHash,
        grantVersion: offer.expires_at,
      },
      after,
    );

  if (isDeferred(deps, offer, configuration)) {
    // The point of no return: the nonces and this configuration consumed with the deferred
    // transaction opened, or none of them.
    const deferred = await deferredTransaction(deps, {
      accessToken,
      dpopJkt,
      offer,
      configuration,
      holderJwks: holders,
      claims: offeredClaims,
    });
    await refuseUnconsumed(deps, await consume([deferred.step]), offer, tokenHash);
    return deferred.response;
  }

  // Signed first, then the point of no return: the nonces and this configuration consumed, the
  // credentials' records and the notification id (§11) stored, in ONE commit, or none of it.
  // Nothing is issued twice (the unit consumes the configuration at most once); a credential
  // signed for a request the unit refuses is never sent and leaves no trace. A token and offer
  // already used are refused before signing (authorizeBoundAccessToken, checkIssuable); the
  // claims signed are the offer's as read with the token, which the unit confirms the offer
  // still holds (what they say never changes once written: they are only sealed anew or dropped).
  const ids = credentialIdsFor(configuration, holders);
  const notification = notificationSteps(deps, accessToken, dpopJkt);
  const issuance = prepareIssuance(issuanceDepsOf(deps), client, {
    type: configuration.type.id,
    claims: offeredClaims,
    format: configuration.format,
  });
  const keys: (JWK | undefined)[] = configuration.keyBound ? holders : [undefined];
  const signed = await Promise.all(keys.map((jwk, i) => issuance.sign(jwk, ids[i])));
  for (let collisions = 0; ;) {
    const consumed = await consume([
      ...notification.steps,
      ...signed.map((c) => deps.store.credentials.insertInSlotStep({ ...c.record, notification_id: notification.id })),
    ]);
    if (consumed.ok) break;
    if (consumed.reason !== 'after') await refuseUnconsumed(deps, consumed, offer, tokenHash);
    else {
      // A status slot was taken since it was picked: that credential is signed again for another
      // (each pick is random), and the unit runs again; nothing of the refused one was kept.
      const k = consumed.afterStep - notification.steps.length;
      if (k < 0 || k >= signed.length || ++collisions >= MAX_SLOT_TRIES) throw slotsExhausted();
      await deps.slots.collided(signed[k]!.record.status_list);
      signed[k] = await issuance.sign(keys[k], ids[k]);
    }
  }
  deps.slots.succeeded();
  return { credentials: signed.map((c) => ({ credential: c.issued.credential })), notification_id: notification.id };
}

/** The consuming unit's refusals, as the wallet is told them. */
async function refuseUnconsumed(
  deps: VciDeps,
  consumed: { ok: true } | { ok: false; reason: ConsumeConfigurationRefusal | 'after' },
  offer: VciOfferRecord,
  tokenHash: string,
): Promise<void> {
  if (consumed.ok) return;
  // §8.3.1.2 invalid_nonce: a c_nonce is unknown, expired or already used.
  if (consumed.reason === 'nonce') throw nonceRefused();
  // The token was revoked (its grant: a reused refresh token or code), rotated away by a refresh
  // or expired while the request was checked and signed: as unknown as a token never issued. (A
  // refresh that committed first fails the offer's guard, not the token's, on PostgreSQL: the
  // token is looked at again.)
  if (consumed.reason === 'token') throw tokenGone();
  const live = await deps.store.vci.accessTokenExpiry(tokenHash);
  if (live === undefined || live <= deps.clock.now()) throw tokenGone();
  // What the token covers is issued at most once per configuration (issue 18). A token that
  // covers one configuration is then used up: the same invalid_token as a later request gets
  // (above), whichever of two racing requests lost.
  if (consumed.reason === 'issued' && coveredConfigurations(offer).length > 1)
    throw credentialError(
      'credential_request_denied',
      'this access token already received this credential configuration',
      '이 접근 토큰으로 이 증명서 구성을 이미 받았습니다.',
    );
  throw tokenUsed();
}

async function usedNonces(deps: VciDeps, given: readonly string[]): Promise<UsedNonce[]> {
  const key = await cNonceKey(deps);
  const now = deps.clock.now();
  return given.map((nonce) => {
    const read = readCNonce(key, nonce, now);
    if (!read) throw nonceRefused();
    return { hash: hashSecret(nonce), expiresAt: read.expiresAt };
  });
}
