/**
 * The Request Object a wallet fetches from `request_uri` (RFC 9101 §5.2, OpenID4VP 1.0 §5):
 * `typ: oauth-authz-req+jwt`, signed for the client identifier the request was made under: our
 * did:web (`decentralized_identifier`, see verifier-identity.ts) or an X.509 identity with an
 * `x5c` header (`x509_san_dns`, `x509_hash`, see x509-identity/); `aud` the static-discovery
 * value `https://self-issued.me/v2` (§5.8), response_mode `direct_post` (§8.2) or
 * `direct_post.jwt` (§8.3.1, with the request's encryption key in client_metadata) to our
 * response URI. With request_uri_method=post (§5.10) the wallet's `wallet_nonce` is echoed.
 */
import { AppError } from '../errors.js';
import { requestRefusal } from './request-refusals.js';
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';
import type { PresentationDeps } from './presentation-deps.js';
import { buildClientMetadata } from './build-client-metadata.js';
import { responseModeParts } from './response-encryption/encryption-client-metadata.js';
import { DC_API_MODES } from './response-encryption/response-modes.js';
import { responseUri, verifierClientId } from './verifier-identity.js';
import { verifierMetadata } from './x509-identity/verifier-metadata.js';
import { requestSigner } from './request-signer.js';
import type { RequestUriPost } from './read-request-uri-post.js';

export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
export const REQUEST_OBJECT_MEDIA_TYPE = 'application/oauth-authz-req+jwt';

export async function signRequestObject(deps: PresentationDeps, id: string, opts: RequestUriPost = {}): Promise<string> {
  const now = deps.clock.now();
  const rec = await deps.store.verifierRequests.get(id);
  // RFC 9101 §5.2.3 / OpenID4VP §5.10.2: any error answer makes the wallet stop.
  if (!rec) throw requestRefusal('invalid_request_uri', 'notFound', { status: 404 });
  if (rec.responded_at !== null) throw requestRefusal('invalid_request_uri', 'answered', { status: 400 });
  if (now >= rec.expires_at) throw requestRefusal('invalid_request_uri', 'expired', { status: 400 });
  const client = await deps.store.clients.get(rec.client_id);
  // A revoked client's request is not signed for it: the wallet would ask its holder to consent to it.
  if (client && client.revokedAt !== null) throw requestRefusal('invalid_request_uri', 'verifierRevoked', { status: 400 });
  const answer = await responseModeParts(deps, rec.id);
  // A DC API request travels through navigator.credentials.get only (dc-api/build-dc-api-requests.ts).
  if (DC_API_MODES.has(answer.response_mode)) throw requestRefusal('invalid_request_uri', 'dcApiOnly', { status: 400 });
  const clientId = rec.verifier_client_id ?? verifierClientId(deps.config.publicUrl);
  // Who asks and why, in standard fields (client_metadata.client_name, verifier_info).
  const who = verifierMetadata(client, rec.purpose);
  const payload: JsonObject = {
    aud: 'https://self-issued.me/v2',
    iat: Math.floor(now / 1000),
    exp: Math.floor(rec.expires_at / 1000),
    client_id: clientId,
    response_type: 'vp_token',
    response_mode: answer.response_mode,
    response_uri: responseUri(deps.config.publicUrl),
    dcql_query: JSON.parse(rec.dcql_query) as JsonObject,
    nonce: rec.nonce,
    state: rec.state,
    ...who,
    client_metadata: buildClientMetadata(who.client_metadata as JsonObject, answer.client_metadata),
  };
  if (opts.walletNonce !== undefined) payload.wallet_nonce = opts.walletNonce;
  const { signer, header } = await requestSigner(deps, rec.client_id, clientId);
  // §5.10 / §10: a wallet that cannot verify our algorithm gets an error, not a request it must drop.
  if (opts.walletAlgs && !opts.walletAlgs.includes(signer.alg)) {
    throw new AppError('invalid_request', `the wallet does not accept ${signer.alg} request objects`, {
      ko: `지갑이 이 검증 요청의 서명 방식(${signer.alg})을 받지 않습니다.`,
    });
  }
  const prefix = clientId.slice(0, clientId.indexOf(':'));
  if (opts.walletPrefixes && !opts.walletPrefixes.includes(prefix)) {
    throw new AppError('invalid_request', `the wallet does not support the ${prefix} client identifier prefix`, {
      ko: `지갑이 이 검증기관의 식별 방식(${prefix})을 지원하지 않습니다.`,
    });
  }
  return signCompactJws({ typ: REQUEST_OBJECT_TYP, ...header }, payload, signer);
}
