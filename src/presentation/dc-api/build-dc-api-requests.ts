/**
 * What the verifier page passes to `navigator.credentials.get({ digital: { requests } })`
 * (W3C Digital Credentials API; OpenID4VP 1.0 Appendix A): the same request twice, so the
 * browser's wallet takes the one it supports —
 * - `openid4vp-v1-signed`: `{ request: <JWS> }`, typed `oauth-authz-req+jwt`, signed under the
 *   client identifier the request was made under (A.3.2, HAIP 1.0 §5.2: our did:web key, or the
 *   X.509 identity of `x509_san_dns` / `x509_hash` with its `x5c` header, request-signer.ts), with
 *   `client_id` (prefixed) and `expected_origins` (A.2: REQUIRED in signed requests; the wallet
 *   compares it to the origin the browser gives it, against replay by another site);
 * - `openid4vp-v1-unsigned`: the parameters themselves, without `client_id` (A.2: MUST be omitted)
 *   and without `verifier_info` (§5.1: a wallet that uses it MUST check its signature and
 *   binding; unsigned, nothing binds our purpose to us, so it is only in the signed request).
 * No `state` (A.2: not defined over the DC API); `response_mode` `dc_api` or `dc_api.jwt` with the
 * request's encryption key in `client_metadata`.
 */
import { signCompactJws } from '../../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import type { VerifierRequestRecord } from '../../store/repositories/verifier-requests-repo.js';
import { buildClientMetadata } from '../build-client-metadata.js';
import { responseModeParts } from '../response-encryption/encryption-client-metadata.js';
import { verifierClientId } from '../verifier-identity.js';
import { requestSigner } from '../request-signer.js';
import { verifierMetadata } from '../x509-identity/verifier-metadata.js';

export interface DcApiRequest {
  protocol: 'openid4vp-v1-signed' | 'openid4vp-v1-unsigned';
  data: JsonObject;
}

export async function buildDcApiRequests(deps: PresentationDeps, rec: VerifierRequestRecord, origin: string): Promise<DcApiRequest[]> {
  const answer = await responseModeParts(deps, rec.id);
  const { verifier_info: verifierInfo, ...who } = verifierMetadata(await deps.store.clients.get(rec.client_id), rec.purpose);
  const params: JsonObject = {
    response_type: 'vp_token',
    response_mode: answer.response_mode,
    nonce: rec.nonce,
    dcql_query: JSON.parse(rec.dcql_query) as JsonObject,
    client_metadata: buildClientMetadata(who.client_metadata as JsonObject, answer.client_metadata),
  };
  const clientId = rec.verifier_client_id ?? verifierClientId(deps.config.publicUrl);
  const { signer, header } = await requestSigner(deps, rec.client_id, clientId);
  const signed = await signCompactJws(
    { typ: 'oauth-authz-req+jwt', ...header },
    {
      ...params,
      ...(verifierInfo !== undefined && { verifier_info: verifierInfo }),
      client_id: clientId,
      expected_origins: [origin],
      iat: Math.floor(deps.clock.now() / 1000),
      exp: Math.floor(rec.expires_at / 1000),
    },
    signer,
  );
  return [
    { protocol: 'openid4vp-v1-signed', data: { request: signed } },
    { protocol: 'openid4vp-v1-unsigned', data: params },
  ];
}
