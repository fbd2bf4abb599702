/**
 * Serving behind a path (`PUBLIC_URL=https://host/dp`).
 *
 * Decision: the proxy passes request paths through unchanged, and the service strips its own
 * path; every URL the metadata publishes (`https://host/dp/openid4vci/credential`, the status
 * lists, `vct`s, offer links) is therefore reachable as published, and a proxy that does strip
 * the path reaches the same routes. The metadata documents are found where RFC 8414 §3.1 and
 * OpenID4VCI §12.2.2 put them for an identifier with a path: the well-known segment between host
 * and path (`/.well-known/openid-credential-issuer/dp`); the older place after the path
 * (`/dp/.well-known/openid-credential-issuer`) answers too. did:web keeps the path
 * (`did:web:host:dp` → `/dp/did.json`, did:web §3.2).
 */

/** The path of PUBLIC_URL without its trailing slash: `''` when it has none. */
export function publicPathOf(publicUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, '');
}

/** The `.well-known` documents whose place moves with the identifier's path (RFC 8414 §3.1). */
const WELL_KNOWN = ['openid-credential-issuer', 'oauth-authorization-server', 'jwt-vc-issuer'] as const;

/**
 * Maps a request URL (path and query) to the route that serves it: `/dp/x` → `/x`,
 * `/.well-known/<name>/dp` → `/.well-known/<name>`; anything else unchanged.
 */
export function routeUrlOf(basePath: string): (url: string) => string {
  if (basePath === '') return (url) => url;
  const suffixed = WELL_KNOWN.map((name) => [`/.well-known/${name}${basePath}`, `/.well-known/${name}`] as const);
  return (url) => {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q);
    for (const [published, route] of suffixed) if (path === published) return `${route}${query}`;
    if (path === basePath) return `/${query}`;
    if (path.startsWith(`${basePath}/`)) return `${path.slice(basePath.length)}${query}`;
    return url;
  };
}
