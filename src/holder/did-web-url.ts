/**
 * did:web method §3.2: `did:web:host%3Aport` → `https://host:port/.well-known/did.json`, and with
 * path segments `did:web:host:dp` → `https://host/dp/did.json`; plain http only for this machine
 * (localhost, 127.0.0.1, [::1]). Pure: both wallets resolve a verifier's
 * `decentralized_identifier` client id with it (OpenID4VP §5.9.3). Undefined for an identifier
 * whose host is not a plain host (name, IPv4 or [::1]) with an optional port, or whose path
 * segments are not plain (no percent-encoding, no `.` or `..`).
 */
export function didWebUrl(did: string): string | undefined {
  const [encoded = '', ...segments] = did.slice('did:web:'.length).split(':');
  // Only a host name or IPv4 address, or [::1], and a port: a decoded `/`, `#`, `?` or `@` would
  // change what is fetched (did:web:evil.example%23 → https://evil.example/).
  if (!/^([A-Za-z0-9.-]+|%5B%3A%3A1%5D)(%3A\d{1,5})?$/i.test(encoded)) return undefined;
  if (segments.some((s) => !/^[A-Za-z0-9._~-]+$/.test(s) || s === '.' || s === '..')) return undefined;
  const host = decodeURIComponent(encoded);
  const loopback = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  const path = segments.length === 0 ? '/.well-known' : `/${segments.join('/')}`;
  return `${loopback ? 'http' : 'https'}://${host}${path}/did.json`;
}
