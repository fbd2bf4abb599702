/**
 * The answer a wallet gave through the Digital Credentials API, handed back by the verifier's
 * page (`DigitalCredential.data`, OpenID4VP 1.0 A.4): `{ vp_token }`, `{ response: <JWE> }`
 * for `dc_api.jwt`, or `{ error }`. The page is authenticated by its verifier API key and may only
 * answer its own client's requests.
 *
 * Story: the client's own pending request → a DC API request (`dc_api_mode_mismatch`) → open the
 * JWE (same checks as direct_post.jwt; encrypted to THIS request's key) → take the request once →
 * verify with the request's nonce and `aud` `origin:<origin>` (A.4: "even for signed requests"),
 * so a presentation made for another site (another origin) is refused `kb_jwt_aud_mismatch`; an
 * mdoc's DeviceSignature is over the OpenID4VPDCAPIHandover SessionTranscript (Annex B.2.6.2: origin,
 * nonce, and for dc_api.jwt the request key's thumbprint), so one made for another origin, nonce or
 * key is refused `mdoc_device_signature_invalid`.
 */
import { notFound } from '../../errors.js';
import { requestRefusal } from '../request-refusals.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { answerRequest } from '../receive-direct-post.js';
import { checkResponseShape, readResponseBody } from '../response-encryption/read-response-body.js';
import { originAudience } from './check-origin.js';

export async function receiveDcApiResponse(
  deps: PresentationDeps,
  client: ApiClient,
  id: string,
  data: Record<string, unknown>,
): Promise<{ status: 'verified' | 'rejected' }> {
  const rec = await deps.store.verifierRequests.get(id);
  if (!rec || rec.client_id !== client.id) throw notFound('request_not_found', `no verifier request ${id} made by this client`);
  const now = deps.clock.now();
  if (now >= rec.expires_at) throw requestRefusal('invalid_request', 'expired');
  if (rec.responded_at !== null) throw requestRefusal('invalid_request', 'answered');
  const read = await readResponseBody(deps, data);
  // A DC API request always has its row (the mode and the origin): checkResponseShape returns it.
  const row = await checkResponseShape(deps, rec.id, read, { dcApi: true });
  const params = { ...read.params };
  // Over the DC API vp_token is a JSON object, not form text.
  if (typeof params.vp_token === 'object' && params.vp_token !== null) params.vp_token = JSON.stringify(params.vp_token);
  if (typeof params.error !== 'string' && typeof params.vp_token !== 'string') throw requestRefusal('invalid_request', 'neither');
  // Annex B.2.6.2: an mdoc's OpenID4VPDCAPIHandover binds the origin, the nonce and, for dc_api.jwt,
  // the thumbprint of the request key that decrypted the answer (never one named by the JWE).
  return answerRequest(deps, rec, params, originAudience(row!.origin!), now, {
    dcApiOrigin: row!.origin!,
    ...(read.encryptionJkt !== undefined && { responseEncryptionJkt: read.encryptionJkt }),
  });
}
