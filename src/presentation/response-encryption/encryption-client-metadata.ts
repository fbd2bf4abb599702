/**
 * The part of a request object that says how to answer (OpenID4VP 1.0 §5.1 `client_metadata`,
 * §8.3): for `direct_post.jwt`, `jwks` with the request's one public key and
 * `encrypted_response_enc_values_supported` (HAIP 1.0 §5: both A128GCM and A256GCM). Nothing
 * for plain `direct_post`.
 */
import type { JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { RESPONSE_JWE_ENCS } from './response-modes.js';

export interface ResponseModeParts {
  response_mode: string;
  client_metadata: JsonObject;
}

export async function responseModeParts(deps: Pick<PresentationDeps, 'store'>, requestId: string): Promise<ResponseModeParts> {
  const row = await deps.store.responseKeys.byRequest(requestId);
  if (!row) return { response_mode: 'direct_post', client_metadata: {} };
  if (!row.public_jwk) return { response_mode: row.response_mode, client_metadata: {} };
  return {
    response_mode: row.response_mode,
    client_metadata: {
      jwks: { keys: [JSON.parse(row.public_jwk) as JsonObject] },
      encrypted_response_enc_values_supported: [...RESPONSE_JWE_ENCS],
    },
  };
}
