/**
 * The Response URI takes two shapes (OpenID4VP 1.0 §8.2, §8.3.1): plain parameters, or one
 * `response` JWE holding them. This reads either into plain parameters, then checks the shape
 * against the request it answers:
 * - encrypted to request A's key but naming request B's state → `response_jwe_other_request`
 *   (a JWE copied from one transaction into another);
 * - an answer through the other channel than the request's mode (Response URI vs DC API) →
 *   `dc_api_mode_mismatch`;
 * - the request asked for `direct_post.jwt` / `dc_api.jwt` and the answer is plain → `response_encryption_required`,
 *   except a plain `error` (§8.3.1: a wallet that cannot encrypt MAY answer an error unencrypted).
 */
import { badRequest } from '../../errors.js';
import type { PresentationDeps } from '../presentation-deps.js';
import type { ResponseKeyRecord } from '../../store/repositories/response-keys-repo.js';
import { openEncryptedResponse } from './open-encrypted-response.js';
import { DC_API_MODES, ENCRYPTED_MODES } from './response-modes.js';

export interface ResponseBody {
  params: Record<string, unknown>;
  /** For a JWE: the stored request key that decrypted it (its request_id says which request). */
  key?: ResponseKeyRecord;
  /** With key: the RFC 7638 thumbprint of that key. */
  encryptionJkt?: string;
}

export async function readResponseBody(
  deps: Pick<PresentationDeps, 'store' | 'config' | 'clock'>,
  body: Record<string, unknown>,
): Promise<ResponseBody> {
  if (body.response === undefined) return { params: body };
  if (typeof body.response !== 'string') throw badRequest('response_jwe_malformed', 'response must be a compact JWE');
  if (Object.keys(body).some((k) => k !== 'response'))
    throw badRequest('response_jwe_malformed', 'an encrypted response carries its parameters inside the JWE only');
  const opened = await openEncryptedResponse(deps, body.response);
  return { params: opened.params, key: opened.key, encryptionJkt: opened.encryptionJkt };
}

/**
 * Returns the request's response-mode row (undefined = plain direct_post). When the answer was
 * decrypted with this request's own key, that row is the one already read by kid: no second read.
 */
export async function checkResponseShape(
  deps: Pick<PresentationDeps, 'store'>,
  requestId: string,
  read: ResponseBody,
  channel: { dcApi: boolean } = { dcApi: false },
): Promise<ResponseKeyRecord | undefined> {
  const row = read.key?.request_id === requestId ? read.key : await deps.store.responseKeys.byRequest(requestId);
  if ((row !== undefined && DC_API_MODES.has(row.response_mode)) !== channel.dcApi)
    throw badRequest(
      'dc_api_mode_mismatch',
      `this request is answered ${channel.dcApi ? 'at its Response URI' : 'through the Digital Credentials API'}`,
    );
  if (read.key !== undefined) {
    if (read.key.request_id !== requestId)
      throw badRequest('response_jwe_other_request', "the response was encrypted to another request's key");
    return row;
  }
  if (row && ENCRYPTED_MODES.has(row.response_mode) && typeof read.params.error !== 'string')
    throw badRequest('response_encryption_required', `this request asked for an encrypted response (${row.response_mode})`);
  return row;
}
