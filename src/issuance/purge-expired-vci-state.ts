/**
 * Housekeeping for OpenID4VCI state: claims of offers that expired unused leave the store, and
 * old codes, tokens and nonces are deleted. Runs at most once a minute per process, piggybacked
 * on offer and nonce creation; the purge timer (src/purge-expired-state.ts) runs the same purge
 * when nobody creates anything.
 */
import type { VciDeps } from './vci-deps.js';

const EVERY_MS = 60_000;
const lastRun = new WeakMap<object, number>();

export async function purgeExpiredVciState(deps: Pick<VciDeps, 'store'>, now: number, keepMs: number): Promise<void> {
  const last = lastRun.get(deps.store) ?? -Infinity;
  if (now - last < EVERY_MS) return;
  lastRun.set(deps.store, now);
  await purgeVciState(deps.store, now, keepMs);
}

/** The purge itself, every table of OpenID4VCI state (also what the purge timer runs). */
export async function purgeVciState(
  store: Pick<VciDeps['store'], 'vci' | 'vciIssuance' | 'authorizationRequests' | 'refreshTokens'>,
  now: number,
  keepMs: number,
): Promise<void> {
  await store.vci.purgeExpired(now, keepMs);
  await store.vciIssuance.purgeExpired(now, keepMs);
  await store.authorizationRequests.purgeExpired(now, keepMs);
  await store.refreshTokens.purgeExpired(now);
}
