/**
 * How this service identifies itself as an OpenID4VP verifier.
 *
 * Client Identifier Prefix: `decentralized_identifier` (OpenID4VP 1.0 §5.9.3) with a did:web
 * derived from PUBLIC_URL's host, e.g. `decentralized_identifier:did:web:verify.example.kr`.
 * Why this prefix:
 * - it lets us SIGN the request object (`redirect_uri:` forbids signing, §5.9.3, so a wallet
 *   could not tell our request from a forged one that names our response URI);
 * - it needs no PKI: the wallet resolves `did:web` to `https://<host>/.well-known/did.json`,
 *   which we serve from the same key ring as the JWKS, so key rotation just works (retiring keys
 *   stay listed); `x509_hash` / `x509_san_dns` (HAIP) need an X.509 chain the wallet trusts,
 *   which a Korean trust framework would have to provide first: the upgrade path, not today;
 * - the identifier is stable (unlike did:jwk, which changes with every key).
 * The request object is signed with our issuer key ring; explicit typing
 * (`typ: oauth-authz-req+jwt`, RFC 9101 / RFC 8725bis §3.11) keeps a request from ever being
 * mistaken for a credential, a status list or a receipt.
 *
 * OpenID4VP presentations carry this client identifier as KB-JWT `aud` (§8.6, §14.1) and are
 * bound to the one verifier client that made the request by that request's nonce. A counter
 * presentation carries the audience of the verifier CLIENT at whose counter it is shown
 * (`counterAudience`), so one client cannot replay what was shown to another.
 */
import type { JWK } from 'jose';
import type { Signer } from '../keys/signer.js';

/**
 * did:web method §3.1: the host (with `%3A` for a port), lower case, then PUBLIC_URL's path
 * segments after colons (`https://host/dp` → `did:web:host:dp`).
 */
export function verifierDid(publicUrl: string): string {
  const u = new URL(publicUrl);
  const segments = u.pathname.split('/').filter((s) => s !== '');
  return ['did:web', u.host.toLowerCase().replace(':', '%3A'), ...segments].join(':');
}

/** did:web §3.2: where the document is served, relative to PUBLIC_URL (`/did.json` under a path). */
export const didDocumentRoute = (publicUrl: string): string =>
  new URL(publicUrl).pathname.replace(/\/+$/, '') === '' ? '/.well-known/did.json' : '/did.json';

export const verifierClientId = (publicUrl: string): string => `decentralized_identifier:${verifierDid(publicUrl)}`;
/** The KB-JWT `aud` of counter presentations for one verifier client (an identifier, never fetched). */
export const counterAudience = (publicUrl: string, clientId: string): string =>
  `${publicUrl}/v1/verifier/counter/${encodeURIComponent(clientId)}`;
export const responseUri = (publicUrl: string): string => `${publicUrl}/openid4vp/response`;
export const requestUri = (publicUrl: string, id: string): string => `${publicUrl}/openid4vp/requests/${id}`;

/** The DID document at /.well-known/did.json (did:web): our active and retiring keys. */
export function didDocument(publicUrl: string, keys: readonly { kid: string; jwk: JWK }[]): Record<string, unknown> {
  const did = verifierDid(publicUrl);
  const ids = keys.map((k) => `${did}#${k.kid}`);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: did,
    verificationMethod: keys.map((k, i) => ({ id: ids[i], type: 'JsonWebKey2020', controller: did, publicKeyJwk: k.jwk })),
    assertionMethod: ids,
    authentication: ids,
  };
}

/** The signer with its `kid` as a DID URL (`did:web:…#<thumbprint>`), as a did-signed JAR needs. */
export function didSigner(publicUrl: string, signer: Signer): Signer {
  return {
    kid: `${verifierDid(publicUrl)}#${signer.kid}`,
    alg: signer.alg,
    publicJwk: signer.publicJwk,
    sign: (input) => signer.sign(input),
  };
}

/**
 * OpenID4VP §11.1 / §B.3.4 (SD-JWT VC) / §B.2.2 (mdoc: COSE algorithm ids, no DeviceMac) /
 * §B.1.3.1.3 (W3C VC as a JWT: the VC's JOSE `alg`): what we accept.
 */
export const VP_FORMATS_SUPPORTED = {
  'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256', 'EdDSA'], 'kb-jwt_alg_values': ['ES256', 'EdDSA'] },
  mso_mdoc: { issuerauth_alg_values: [-7, -35, -8], deviceauth_alg_values: [-7, -35, -8] },
  jwt_vc_json: { alg_values: ['ES256', 'EdDSA'] },
} as const;
