/**
 * A credential offer as a wallet receives it (OpenID4VCI §4.1): `openid-credential-offer://?…`
 * (or any URL) with exactly one of `credential_offer` (by value, §4.1.2) or
 * `credential_offer_uri` (by reference, §4.1.3). Pure: the CLI wallet and the web wallet read
 * links with it and word the refusal each in its own way.
 */
export type OfferLink = { byValue: unknown } | { uri: string };

export type OfferLinkError = 'not_a_link' | 'not_exactly_one_offer' | 'offer_not_json';

export function readOfferLink(link: string): { ok: true; link: OfferLink } | { ok: false; error: OfferLinkError } {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { ok: false, error: 'not_a_link' };
  }
  const byValue = url.searchParams.getAll('credential_offer');
  const byRef = url.searchParams.getAll('credential_offer_uri');
  // §4.1: one of the two, never both.
  if (byValue.length + byRef.length !== 1) return { ok: false, error: 'not_exactly_one_offer' };
  if (byRef[0] !== undefined) return { ok: true, link: { uri: byRef[0] } };
  try {
    return { ok: true, link: { byValue: JSON.parse(byValue[0] as string) } };
  } catch {
    return { ok: false, error: 'offer_not_json' };
  }
}
