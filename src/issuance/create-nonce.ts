/**
 * Nonce endpoint (OpenID4VCI §7): a fresh, unpredictable c_nonce, stored (as a hash) so that any
 * node can check it and it stays single-use across restarts.
 */
import { hashSecret, newSecret } from './vci-secrets.js';
import { EXPIRED_ROW_KEEP_MS, type VciDeps } from './vci-deps.js';
import { purgeExpiredVciState } from './purge-expired-vci-state.js';

export async function createNonce(deps: Pick<VciDeps, 'store' | 'clock' | 'config'>): Promise<{ c_nonce: string; expiresIn: number }> {
  const now = deps.clock.now();
  await purgeExpiredVciState(deps, now, EXPIRED_ROW_KEEP_MS);
  const nonce = newSecret();
  const ttl = deps.config.cNonceTtlSeconds;
  await deps.store.vci.insertNonce({ nonce_hash: hashSecret(nonce), created_at: now, expires_at: now + ttl * 1000 });
  return { c_nonce: nonce, expiresIn: ttl };
}
