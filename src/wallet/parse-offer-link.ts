/**
 * A credential offer as a wallet receives it (OpenID4VCI §4.1): `openid-credential-offer://?…`
 * (or any URL) with exactly one of `credential_offer` (by value, §4.1.2) or
 * `credential_offer_uri` (by reference, §4.1.3).
 */
import { badRequest } from '../errors.js';

export type OfferLink = { byValue: unknown } | { uri: string };

export function parseOfferLink(link: string): OfferLink {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw badRequest('invalid_offer_link', 'the offer is not a link (openid-credential-offer://?credential_offer_uri=…)');
  }
  const byValue = url.searchParams.getAll('credential_offer');
  const byRef = url.searchParams.getAll('credential_offer_uri');
  // §4.1: one of the two, never both.
  if (byValue.length + byRef.length !== 1) throw badRequest('invalid_offer_link', 'the link must carry exactly one credential_offer or credential_offer_uri');
  if (byRef[0] !== undefined) return { uri: byRef[0] };
  try {
    return { byValue: JSON.parse(byValue[0] as string) };
  } catch {
    throw badRequest('invalid_offer_link', 'credential_offer is not JSON');
  }
}
