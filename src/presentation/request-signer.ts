/**
 * Who signs a request made under a given client identifier, for both channels (a request object
 * fetched from request_uri, sign-request-object.ts; a signed DC API request,
 * dc-api/build-dc-api-requests.ts): our did:web key (`decentralized_identifier`), or the X.509
 * identity the client identifier names, with its `x5c` header (OpenID4VP 1.0 §5.9.3; HAIP 1.0
 * §5: leaf first, no trust anchor).
 */
import type { Signer } from '../keys/signer.js';
import type { PresentationDeps } from './presentation-deps.js';
import { didSigner } from './verifier-identity.js';
import { x509RequestSigner } from './x509-identity/x509-request-signer.js';

export async function requestSigner(
  deps: PresentationDeps,
  ownerClientId: string,
  clientId: string,
): Promise<{ signer: Signer; header: { x5c?: string[] } }> {
  const x509 = deps.keyStore ? await x509RequestSigner({ store: deps.store, keyStore: deps.keyStore }, ownerClientId, clientId) : undefined;
  if (x509) return { signer: x509.signer, header: { x5c: x509.x5c } };
  return { signer: didSigner(deps.config.publicUrl, deps.keys.signer(deps.config.keyAlg)), header: {} };
}
