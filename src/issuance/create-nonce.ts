/**
 * Nonce endpoint (OpenID4VCI §7): a fresh, unpredictable c_nonce any node can check (c-nonce.ts).
 * Nothing is stored until a credential request uses it.
 */
import { EXPIRED_ROW_KEEP_MS, type VciDeps } from './vci-deps.js';
import { purgeExpiredVciState } from './purge-expired-vci-state.js';
import { cNonceKey, mintCNonce } from './c-nonce.js';
import { isStoreUnavailable } from '../store/classify-store-error.js';
import type { Logger } from 'pino';

export interface NonceDeps extends Pick<VciDeps, 'store' | 'clock' | 'config'> {
  /** Where a failed housekeeping run is reported (the nonce is answered anyway). */
  log?: Pick<Logger, 'error'>;
}

export async function createNonce(deps: NonceDeps): Promise<{ c_nonce: string; expiresIn: number }> {
  const now = deps.clock.now();
  // Housekeeping rides along (at most once a minute); its failure never fails the nonce, and the
  // purge timer (src/purge-expired-state.ts) runs it again later. A store that is away is
  // expected; any other error is a bug, logged rather than hidden.
  await purgeExpiredVciState(deps, now, EXPIRED_ROW_KEEP_MS).catch((e: unknown) => {
    if (!isStoreUnavailable(e)) deps.log?.error({ err: e }, 'purging expired OpenID4VCI state failed');
  });
  const ttl = deps.config.cNonceTtlSeconds;
  return { c_nonce: mintCNonce(await cNonceKey(deps), now + ttl * 1000), expiresIn: ttl };
}
