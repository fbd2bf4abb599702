/**
 * The one reading of an Authorization header (RFC 9110 §11.4, §11.6.2): `auth-scheme 1*SP
 * credentials`, the scheme compared case-insensitively; a tab is taken as a space (as HTTP
 * parsers take OWS) and nothing else separates them (no NBSP or other Unicode space: `\s` would
 * take those). Every endpoint that reads a token and the per-token rate limit read it so, so one
 * token is one token however its header is spelt.
 */

/** auth-scheme is a token (RFC 9110 §5.6.2). */
const AUTHORIZATION = /^[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+([^ \t](?:.*[^ \t])?)[ \t]*$/s;

export interface AuthorizationParts {
  /** Lower case: `bearer`, `dpop`, `basic`, … */
  scheme: string;
  credentials: string;
}

export function authorizationParts(header: unknown): AuthorizationParts | undefined {
  if (typeof header !== 'string') return undefined;
  const m = AUTHORIZATION.exec(header);
  return m ? { scheme: m[1]!.toLowerCase(), credentials: m[2]! } : undefined;
}

/** The credentials of a `Bearer` header, or undefined. */
export const bearerCredentials = (header: unknown): string | undefined => {
  const parts = authorizationParts(header);
  return parts?.scheme === 'bearer' ? parts.credentials : undefined;
};
