/**
 * What the verifier page passes to `navigator.credentials.get({ digital: { requests } })`
 * (W3C Digital Credentials API; OpenID4VP 1.0 Appendix A): the same request twice, so the
 * browser's wallet takes the one it supports —
 * - `openid4vp-v1-signed`: `{ request: <JWS> }`, typed `oauth-authz-req+jwt`, signed with our
 *   did:web key, with `client_id` and `expected_origins` (A.2: REQUIRED in signed requests; the
 *   wallet compares it to the origin the browser gives it, against replay by another site);
 * - `openid4vp-v1-unsigned`: the parameters themselves, without `client_id` (A.2: MUST be omitted).
 * No `state` (A.2: not defined over the DC API); `response_mode` `dc_api` or `dc_api.jwt` with the
 * request's encryption key in `client_metadata`.
 */
import { signCompactJws } from '../../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import type { VerifierRequestRecord } from '../../store/repositories/verifier-requests-repo.js';
import { buildClientMetadata } from '../build-client-metadata.js';
import { responseModeParts } from '../response-encryption/encryption-client-metadata.js';
import { didSigner, verifierClientId, VP_FORMATS_SUPPORTED } from '../verifier-identity.js';

export interface DcApiRequest {
  protocol: 'openid4vp-v1-signed' | 'openid4vp-v1-unsigned';
  data: JsonObject;
}

export async function buildDcApiRequests(deps: PresentationDeps, rec: VerifierRequestRecord, origin: string): Promise<DcApiRequest[]> {
  const answer = await responseModeParts(deps, rec.id);
  const params: JsonObject = {
    response_type: 'vp_token',
    response_mode: answer.response_mode,
    nonce: rec.nonce,
    dcql_query: JSON.parse(rec.dcql_query) as JsonObject,
    client_metadata: buildClientMetadata({ vp_formats_supported: VP_FORMATS_SUPPORTED as unknown as JsonObject }, answer.client_metadata),
  };
  const signed = await signCompactJws(
    { typ: 'oauth-authz-req+jwt' },
    {
      ...params,
      client_id: verifierClientId(deps.config.publicUrl),
      expected_origins: [origin],
      iat: Math.floor(deps.clock.now() / 1000),
      exp: Math.floor(rec.expires_at / 1000),
    },
    didSigner(deps.config.publicUrl, deps.keys.signer(deps.config.keyAlg)),
  );
  return [
    { protocol: 'openid4vp-v1-signed', data: { request: signed } },
    { protocol: 'openid4vp-v1-unsigned', data: params },
  ];
}
