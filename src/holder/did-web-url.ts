/**
 * did:web method §3.2: `did:web:host%3Aport` → `https://host:port/.well-known/did.json`, plain
 * http only for this machine (localhost, 127.0.0.1, [::1]). Pure: both wallets resolve a
 * verifier's `decentralized_identifier` client id with it (OpenID4VP §5.9.3).
 */
export function didWebUrl(did: string): string {
  const host = decodeURIComponent(did.slice('did:web:'.length).split(':')[0] ?? '');
  const loopback = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}/.well-known/did.json`;
}
