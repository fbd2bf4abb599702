/**
 * Deferred issuance, the opening (OpenID4VCI §8.3, §9): when the agency needs time (an approval, a
 * registry lookup), the credential endpoint answers 202 with a `transaction_id` and an `interval`
 * instead of credentials. The transaction is opened in the same unit that consumes the proofs'
 * c_nonces and the offer's configuration, so a configuration is issued or deferred, once.
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { WriteStep } from '../../store/batch-writer.js';
import type { VciOfferRecord } from '../../store/repositories/vci-repo.js';
import type { Claims } from '../../catalog/types.js';
import type { CredentialConfiguration } from '../build-issuer-metadata.js';
import { hashSecret, newSecret } from '../vci-secrets.js';
import type { VciDeps } from '../vci-deps.js';
import { deferredClaimsKey, sealDeferredClaims } from './deferred-claims-seal.js';

export interface DeferredResponse {
  transaction_id: string;
  interval: number;
}

/** Deferred by the offer (`"deferred": true` at POST /v1/offers) or by DEFERRED_CONFIGURATIONS. */
export const isDeferred = (deps: VciDeps, offer: VciOfferRecord, configuration: CredentialConfiguration): boolean =>
  offer.deferred === 1 || deps.config.deferredConfigurations.includes(configuration.id);

/**
 * The transaction to open (a step of the consuming unit) and the 202 answer to give once it
 * committed. Its claims are stored sealed to the transaction's key (deferred-claims-seal.ts).
 */
export async function deferredTransaction(
  deps: VciDeps,
  v: {
    accessToken: string;
    dpopJkt: string | null;
    offer: VciOfferRecord;
    configuration: CredentialConfiguration;
    holderJwks: readonly JWK[];
    claims: Claims;
  },
): Promise<{ step: WriteStep; id: string; response: DeferredResponse }> {
  const transactionId = newSecret();
  const claimsKey = deferredClaimsKey(transactionId);
  const id = randomBytes(12).toString('hex');
  const now = deps.clock.now();
  const step = deps.store.vciIssuance.insertDeferredStep({
    id,
    transaction_hash: hashSecret(transactionId),
    token_hash: hashSecret(v.accessToken),
    // RFC 9449: polling stays sender-constrained after the token row is gone.
    dpop_jkt: v.dpopJkt,
    offer_id: v.offer.id,
    client_id: v.offer.client_id,
    configuration_id: v.configuration.id,
    holder_jwks: JSON.stringify(v.holderJwks),
    claims: await sealDeferredClaims(JSON.stringify(v.claims), claimsKey),
    claims_key: claimsKey,
    state: 'pending',
    created_at: now,
    expires_at: now + deps.config.deferredTtlSeconds * 1000,
    decided_at: null,
    collected_at: null,
  });
  return { step, id, response: { transaction_id: transactionId, interval: deps.config.deferredIntervalSeconds } };
}
