/**
 * The Request Object a wallet fetches from `request_uri` (RFC 9101 §5.2, OpenID4VP 1.0 §5):
 * `typ: oauth-authz-req+jwt`, signed with a key of our did:web (client identifier prefix
 * `decentralized_identifier`, see verifier-identity.ts), `aud` the static-discovery value
 * `https://self-issued.me/v2` (§5.8), response_mode `direct_post` (§8.2) or `direct_post.jwt` (§8.3.1, with the request's
 * encryption key in client_metadata) to our response URI.
 */
import { AppError } from '../errors.js';
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';
import type { PresentationDeps } from './presentation-deps.js';
import { buildClientMetadata } from './build-client-metadata.js';
import { responseModeParts } from './response-encryption/encryption-client-metadata.js';
import { DC_API_MODES } from './response-encryption/response-modes.js';
import { didSigner, responseUri, verifierClientId, VP_FORMATS_SUPPORTED } from './verifier-identity.js';

export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
export const REQUEST_OBJECT_MEDIA_TYPE = 'application/oauth-authz-req+jwt';

export async function signRequestObject(deps: PresentationDeps, id: string): Promise<string> {
  const now = deps.clock.now();
  const rec = await deps.store.verifierRequests.get(id);
  // RFC 9101 §5.2.3 / OpenID4VP §5.10.2: any error answer makes the wallet stop.
  if (!rec) throw new AppError('invalid_request_uri', 'no such request', { status: 404 });
  if (rec.responded_at !== null) throw new AppError('invalid_request_uri', 'the request was already answered', { status: 400 });
  if (now >= rec.expires_at) throw new AppError('invalid_request_uri', 'the request has expired', { status: 400 });
  const client = await deps.store.clients.get(rec.client_id);
  const answer = await responseModeParts(deps, rec.id);
  // A DC API request travels through navigator.credentials.get only (dc-api/build-dc-api-requests.ts).
  if (DC_API_MODES.has(answer.response_mode))
    throw new AppError('invalid_request_uri', 'this request is answered through the Digital Credentials API', { status: 400 });
  const payload: JsonObject = {
    aud: 'https://self-issued.me/v2',
    iat: Math.floor(now / 1000),
    exp: Math.floor(rec.expires_at / 1000),
    client_id: verifierClientId(deps.config.publicUrl),
    response_type: 'vp_token',
    response_mode: answer.response_mode,
    response_uri: responseUri(deps.config.publicUrl),
    dcql_query: JSON.parse(rec.dcql_query) as JsonObject,
    nonce: rec.nonce,
    state: rec.state,
    client_metadata: buildClientMetadata({ vp_formats_supported: VP_FORMATS_SUPPORTED as unknown as JsonObject }, answer.client_metadata),
  };
  // Extension parameters (§5: wallets ignore what they do not know): who asks and why.
  if (client) payload.dproof_verifier_name = client.name;
  if (rec.purpose) payload.dproof_purpose = JSON.parse(rec.purpose) as JsonObject;
  return signCompactJws({ typ: REQUEST_OBJECT_TYP }, payload, didSigner(deps.config.publicUrl, deps.keys.signer(deps.config.keyAlg)));
}
