/**
 * Housekeeping on a timer: claims of offers that expired unused, old codes, access tokens and
 * c_nonces, consumed presentation nonces, and verification results past their retention leave
 * the store every PURGE_INTERVAL_MS, whether or not anyone creates an offer or a nonce (those
 * still purge on the way, see issuance/purge-expired-vci-state.ts). Every statement is an
 * idempotent DELETE / UPDATE of rows past a time, so every node of a cluster may run it.
 *
 * The interval is unref'd (it never keeps a process alive) and stop() waits for a run in
 * flight, so the store is not closed under it.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Store } from './store/store.js';
import { EXPIRED_ROW_KEEP_MS } from './issuance/vci-deps.js';
import { purgeVciState } from './issuance/purge-expired-vci-state.js';

export interface PurgeTimer {
  /** One purge now (a run already in flight is joined, not doubled). */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function purgeExpiredState(
  store: Pick<Store, 'vci' | 'vciIssuance' | 'authorizationRequests' | 'refreshTokens' | 'verifierRequests' | 'nonces' | 'responseKeys'>,
  now: number,
): Promise<void> {
  await purgeVciState(store, now, EXPIRED_ROW_KEEP_MS);
  await store.verifierRequests.purge(now);
  await store.responseKeys.purge(now);
  await store.nonces.purge(now);
}

export function startPurgeTimer(store: Store, clock: Clock, logger: Logger, everyMs: number): PurgeTimer {
  let running: Promise<void> | undefined;
  const runNow = (): Promise<void> =>
    (running ??= purgeExpiredState(store, clock.now())
      // A store that is down now is purged at the next tick; the error's code only (no SQL, no values).
      .catch((e: unknown) =>
        logger.warn({ code: (e as { code?: unknown }).code }, 'purge of expired state failed; retrying at the next interval'),
      )
      .finally(() => {
        running = undefined;
      }));
  const timer = setInterval(() => void runNow(), everyMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
