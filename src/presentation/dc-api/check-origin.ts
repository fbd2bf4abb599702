/**
 * The origin a DC API request is bound to (OpenID4VP 1.0 Appendix A: `expected_origins`, and the
 * KB-JWT `aud` `origin:<origin>`): a bare origin, compared as a string, so it must be written
 * exactly as browsers serialise it (scheme://host[:port], lower case, no path). https only;
 * http only for localhost outside production (A.2: "MUST NOT be used unless … local development").
 */
import { badRequest } from '../../errors.js';

export function checkOrigin(origin: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw badRequest('invalid_origin', 'origin is not a URL');
  }
  if (url.origin !== origin)
    throw badRequest('invalid_origin', 'origin must be a bare origin, as a browser writes it (no path, no trailing slash)');
  if (!isWebScheme(url, production))
    throw badRequest('invalid_origin', 'origin must be https (http only for localhost outside production)');
  return origin;
}

/** https; http only for localhost outside production (A.2; also same-device redirect_uri). */
export function isWebScheme(url: URL, production: boolean): boolean {
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  return url.protocol === 'https:' || (url.protocol === 'http:' && local && !production);
}

/** A.4: the audience of a presentation over the DC API, signed requests included. */
export const originAudience = (origin: string): string => `origin:${origin}`;
