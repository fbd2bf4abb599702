/**
 * A request's ephemeral encryption key (HAIP 1.0 §5: "ephemeral encryption public keys specific
 * to each Authorization Request"): a fresh P-256 key pair with a random `kid`, `use: enc`,
 * `alg: ECDH-ES` (OpenID4VP §8.3: `alg` MUST be present). The private `d` is only ever stored
 * sealed; the row lives as long as the request.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { responseKeySealKey } from './response-key-secret.js';
import { sealPrivateKey } from '../../keys/seal-private-key.js';
import { ENCRYPTED_MODES, RESPONSE_JWE_ALG, type ResponseMode } from './response-modes.js';

export async function storeResponseMode(
  deps: Pick<PresentationDeps, 'store' | 'config' | 'clock'>,
  requestId: string,
  mode: ResponseMode,
  expiresAt: number,
  origin: string | null = null,
): Promise<void> {
  if (mode === 'direct_post') return; // the default: no row
  await deps.store.responseKeys.purge(deps.clock.now());
  if (!ENCRYPTED_MODES.has(mode)) {
    await deps.store.responseKeys.insert({
      request_id: requestId,
      response_mode: mode,
      kid: null,
      public_jwk: null,
      sealed_key: null,
      origin,
      expires_at: expiresAt,
    });
    return;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string; d: string };
  const kid = randomBytes(16).toString('base64url');
  const publicJwk: JsonObject = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, use: 'enc', alg: RESPONSE_JWE_ALG };
  await deps.store.responseKeys.insert({
    request_id: requestId,
    response_mode: mode,
    kid,
    public_jwk: JSON.stringify(publicJwk),
    sealed_key: sealPrivateKey(responseKeySealKey(deps.config), requestId, kid, jwk.d),
    origin,
    expires_at: expiresAt,
  });
}
