/**
 * Where a wallet finds an issuer's or authorization server's metadata (RFC 8414 §3,
 * OpenID4VCI §12.2.2): the well-known segment goes between host and path. Pure: both wallets use it.
 */
export const wellKnownUrl = (identifier: string, name: string): string => {
  const u = new URL(identifier);
  return `${u.origin}/.well-known/${name}${u.pathname === '/' ? '' : u.pathname}`;
};
