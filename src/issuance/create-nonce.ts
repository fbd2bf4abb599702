/**
 * Nonce endpoint (OpenID4VCI §7): a fresh, unpredictable c_nonce any node can check (c-nonce.ts).
 * Nothing is stored until a credential request uses it.
 */
import { EXPIRED_ROW_KEEP_MS, type VciDeps } from './vci-deps.js';
import { purgeExpiredVciState } from './purge-expired-vci-state.js';
import { cNonceKey, mintCNonce } from './c-nonce.js';
import { isStoreUnavailable } from '../store/classify-store-error.js';

export async function createNonce(deps: Pick<VciDeps, 'store' | 'clock' | 'config'>): Promise<{ c_nonce: string; expiresIn: number }> {
  const now = deps.clock.now();
  // Housekeeping rides along (at most once a minute); a store that is away fails it, not the
  // nonce, and the purge timer (src/purge-expired-state.ts) runs it again later. Any other
  // error is a bug and is not hidden.
  await purgeExpiredVciState(deps, now, EXPIRED_ROW_KEEP_MS).catch((e: unknown) => {
    if (!isStoreUnavailable(e)) throw e;
  });
  const ttl = deps.config.cNonceTtlSeconds;
  return { c_nonce: mintCNonce(cNonceKey(deps.config), now + ttl * 1000), expiresIn: ttl };
}
