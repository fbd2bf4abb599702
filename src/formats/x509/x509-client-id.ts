/**
 * X.509 client identifiers of OpenID4VP 1.0 §5.9.3:
 * - `x509_san_dns:<dns name>`: the request object is signed with the key of the leaf certificate
 *   in its `x5c` header, whose subjectAltName has that dNSName; with `direct_post` the host of
 *   `response_uri` must be that name.
 * - `x509_hash:<base64url SHA-256 of the leaf certificate's DER>`.
 * `decentralized_identifier` (did:web, verifier-identity.ts) stays the default prefix.
 */
import { hash } from 'node:crypto';

export { CLIENT_ID_PREFIXES, isClientIdPrefix, splitClientId, type ClientIdPrefix } from './client-id-prefix.js';

/** §5.9.3 x509_hash: base64url (no padding) of the SHA-256 of the DER-encoded leaf. */
export const x509HashOf = (leafDer: Uint8Array): string => hash('sha256', leafDer, 'base64url');

/** The host of PUBLIC_URL, the dNSName the verifier's certificate carries. */
export const dnsNameOf = (publicUrl: string): string => new URL(publicUrl).hostname.toLowerCase();
