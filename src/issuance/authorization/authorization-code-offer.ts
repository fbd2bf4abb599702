/**
 * Credential offers for the Authorization Code Flow (OpenID4VCI §4.1.1 `authorization_code`
 * grant): made by the back office without claims (those come from the claims source once the
 * citizen has logged in), and never redeemable with a pre-authorized code (their code hash is of
 * a secret nobody holds). Their `issuer_state` is the offer reference itself: whoever may read
 * the offer holds it anyway, and it is found by its hash like the offer.
 */
import type { VciOfferHead } from '../../store/repositories/vci-repo.js';

/** An open offer without claims and without a transaction code was made for this flow (pre-authorized offers carry claims until used). */
export const isAuthorizationCodeOffer = (offer: Pick<VciOfferHead, 'claims_head' | 'tx_code_hash'>): boolean =>
  offer.claims_head === null && offer.tx_code_hash === null;
