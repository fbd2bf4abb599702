/**
 * The verifier frontend a same-device request returns the holder to (OpenID4VP 1.0 §8.2
 * `redirect_uri`: "an absolute URI … chosen by the Verifier"). We add `#response_code=…` to it,
 * so it must have no fragment of its own; https, http only for localhost outside production (as
 * for DC API origins, dc-api/check-origin.ts); no user:password; at most 512 characters (the
 * column's bound). Written as the URL parser writes it, so what the wallet opens is what we stored.
 */
import { badRequest } from '../../errors.js';
import { isWebScheme } from '../dc-api/check-origin.js';

export function checkRedirectUri(value: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest('invalid_redirect_uri', 'redirect_uri is not an absolute URL');
  }
  if (!isWebScheme(url, production))
    throw badRequest('invalid_redirect_uri', 'redirect_uri must be https (http only for localhost outside production)');
  if (url.hash !== '' || value.includes('#'))
    throw badRequest('invalid_redirect_uri', 'redirect_uri must not carry a fragment: the response_code is added as one');
  if (url.username !== '' || url.password !== '')
    throw badRequest('invalid_redirect_uri', 'redirect_uri must not carry a user name or password');
  if (url.href !== value) throw badRequest('invalid_redirect_uri', `redirect_uri must be written as ${url.href.slice(0, 80)}`);
  if (value.length > 512) throw badRequest('invalid_redirect_uri', 'redirect_uri must be at most 512 characters');
  return value;
}
