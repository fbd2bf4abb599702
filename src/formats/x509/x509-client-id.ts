/**
 * X.509 client identifiers of OpenID4VP 1.0 §5.9.3:
 * - `x509_san_dns:<dns name>`: the request object is signed with the key of the leaf certificate
 *   in its `x5c` header, whose subjectAltName has that dNSName; with `direct_post` the host of
 *   `response_uri` must be that name.
 * - `x509_hash:<base64url SHA-256 of the leaf certificate's DER>`.
 * `decentralized_identifier` (did:web, verifier-identity.ts) stays the default prefix.
 */
import { createHash } from 'node:crypto';

export const CLIENT_ID_PREFIXES = ['decentralized_identifier', 'x509_san_dns', 'x509_hash'] as const;
export type ClientIdPrefix = (typeof CLIENT_ID_PREFIXES)[number];

export const isClientIdPrefix = (v: unknown): v is ClientIdPrefix => CLIENT_ID_PREFIXES.includes(v as ClientIdPrefix);

/** §5.9.3 x509_hash: base64url (no padding) of the SHA-256 of the DER-encoded leaf. */
export const x509HashOf = (leafDer: Uint8Array): string => createHash('sha256').update(leafDer).digest('base64url');

/** The host of PUBLIC_URL, the dNSName the verifier's certificate carries. */
export const dnsNameOf = (publicUrl: string): string => new URL(publicUrl).hostname.toLowerCase();

/** Splits `x509_hash:abc` into its prefix and identifier; undefined for what is not one of ours. */
export function splitClientId(clientId: string): { prefix: ClientIdPrefix; identifier: string } | undefined {
  const i = clientId.indexOf(':');
  if (i < 1) return undefined;
  const prefix = clientId.slice(0, i);
  return isClientIdPrefix(prefix) ? { prefix, identifier: clientId.slice(i + 1) } : undefined;
}
