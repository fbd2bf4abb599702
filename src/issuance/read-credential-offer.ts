/**
 * The Credential Offer object behind a credential_offer_uri (OpenID4VCI §4.1.3): served while
 * the offer can still be redeemed, then gone (an offer is single-use and short-lived).
 */
import { notFound } from '../errors.js';
import type { VciOfferHead } from '../store/repositories/vci-repo.js';
import { buildOfferObject } from './create-offer.js';
import { coveredConfigurations } from './offer-configurations.js';
import { isAuthorizationCodeOffer } from './authorization/authorization-code-offer.js';
import { hashSecret } from './vci-secrets.js';
import type { VciDeps } from './vci-deps.js';

/** The offer a reference names, when its code can still be redeemed; otherwise offer_not_found. */
export const findOpenOffer = (deps: Pick<VciDeps, 'store' | 'clock'>, ref: string): Promise<VciOfferHead> =>
  findOpenOfferByRefHash(deps, hashSecret(ref));

/** The same, for a caller that already holds the reference's hash. */
export async function findOpenOfferByRefHash(deps: Pick<VciDeps, 'store' | 'clock'>, refHash: string): Promise<VciOfferHead> {
  const offer = await deps.store.vci.offerHeadByRefHash(refHash);
  const now = deps.clock.now();
  if (!offer || offer.redeemed_at !== null || offer.burned_at !== null || offer.issued_at !== null || offer.expires_at <= now) {
    throw notFound('offer_not_found', 'no open credential offer here: it was used, has expired or never existed');
  }
  return offer;
}

export async function readCredentialOffer(deps: Pick<VciDeps, 'store' | 'clock' | 'config'>, ref: string) {
  const offer = await findOpenOffer(deps, ref);
  return buildOfferObject(deps.config.publicUrl, ref, coveredConfigurations(offer), offer.tx_code_length, isAuthorizationCodeOffer(offer));
}
