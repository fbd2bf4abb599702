/**
 * A request's ephemeral encryption key (HAIP 1.0 §5: "ephemeral encryption public keys specific
 * to each Authorization Request"): a fresh P-256 key pair with a random `kid`, `use: enc`,
 * `alg: ECDH-ES` (OpenID4VP §8.3: `alg` MUST be present). The private `d` is only ever stored
 * sealed; the row lives as long as the request.
 */
import type { PresentationDeps } from '../presentation-deps.js';
import { responseKeySealKey } from './response-key-secret.js';
import { newSealedEcdhKey } from '../../keys/sealed-ecdh-key.js';
import { ENCRYPTED_MODES, type ResponseMode } from './response-modes.js';

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
  const { kid, publicJwk, sealed } = newSealedEcdhKey(responseKeySealKey(deps.config), requestId);
  await deps.store.responseKeys.insert({
    request_id: requestId,
    response_mode: mode,
    kid,
    public_jwk: JSON.stringify(publicJwk),
    sealed_key: sealed,
    origin,
    expires_at: expiresAt,
  });
}
