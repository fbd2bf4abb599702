/**
 * A verifier client's logo, sent to wallets as `client_metadata.logo_uri` (RFC 7591 §2: "URL
 * string that references a logo for the client"; OpenID4VP 1.0 §5.1 client_metadata). Wallets
 * load it as an image (the web wallet's CSP allows https: images, web-routes.ts), so it must be
 * an absolute https URL (HAIP 1.0 §4.1 has wallets render https and data: images; a data: logo
 * would travel in every request, so it is refused here), without user:password, without a
 * fragment, at most 512 characters (the column's bound), and written as the URL parser writes
 * it, so what we store is what a wallet fetches.
 */
import { badRequest } from '../errors.js';

export const MAX_LOGO_URI = 512;

export function checkLogoUri(value: string): string {
  if (value.length === 0 || value.length > MAX_LOGO_URI)
    throw badRequest('invalid_logo_uri', `logo_uri must be 1 to ${MAX_LOGO_URI} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest('invalid_logo_uri', 'logo_uri is not an absolute URL');
  }
  if (url.protocol !== 'https:') throw badRequest('invalid_logo_uri', 'logo_uri must be an https URL');
  if (url.username !== '' || url.password !== '') throw badRequest('invalid_logo_uri', 'logo_uri must not carry a user name or password');
  if (url.hash !== '') throw badRequest('invalid_logo_uri', 'logo_uri must not carry a fragment');
  if (url.href !== value) throw badRequest('invalid_logo_uri', `logo_uri must be written as ${url.href.slice(0, 80)}`);
  return value;
}
