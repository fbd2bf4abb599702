/**
 * The wallet's wait for the counter's request (GET /v1/wallet/engagements/request, a long-poll),
 * shared by the CLI wallet (wallet/engage-at-counter.ts) and the web wallet (web/wallet/engagement.ts).
 * Pure: the caller asks the service, sleeps and tells the time, so tests need no real waiting.
 *
 * After a `waiting` answer the wallet asks again at once, unless the service sent Retry-After (it
 * did not hold this wait: too many are held): then it waits that many seconds, 1 to 10, before
 * asking again (asking at once would only meet the per-token rate limit). It stops when the
 * request comes, when the service says `expired`, when the caller stops it, and when the handle's
 * expiry has passed: a sleep ends at that expiry, the service is asked once more (a request
 * handed over just before it is still collected), and a `waiting` then ends the wait as expired.
 */

/** One answer of the service: its JSON body and its Retry-After header (null when none). */
export interface WaitRound {
  body: unknown;
  retryAfter: string | null;
}

export interface CounterWait {
  ask: () => Promise<WaitRound>;
  /** Waits `ms` (default: a timer; tests pass one that does not really wait). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Milliseconds, on the same clock as `expiresAt` (default: Date.now). */
  now?: (() => number) | undefined;
  /** When the handle expires (its `expires_in` after it was made). */
  expiresAt: number;
  /** True once the wallet no longer waits (a new QR, another view). */
  stopped?: () => boolean;
}

export type CounterWaitEnd =
  { status: 'requested'; authorization_request: string } | { status: 'expired' } | { status: 'stopped' } | { status: 'unknown' };

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;

/**
 * The pause a Retry-After asks for (RFC 9110 §10.2.3), in ms: its seconds bounded to 1–10 s; 1 s
 * for one that is there but is no number of seconds (an HTTP-date we do not read); 0 when absent.
 */
export function retryAfterMs(header: string | null): number {
  if (header === null) return 0;
  const seconds = /^\s*(\d{1,9})\s*$/.exec(header)?.[1];
  if (seconds === undefined) return MIN_RETRY_MS;
  return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, Number(seconds) * 1000));
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function awaitCounterRequest(w: CounterWait): Promise<CounterWaitEnd> {
  const { sleep = sleepFor, now = Date.now } = w;
  for (;;) {
    if (w.stopped?.()) return { status: 'stopped' };
    const { body, retryAfter } = await w.ask();
    if (w.stopped?.()) return { status: 'stopped' };
    const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (answer.status === 'requested' && typeof answer.authorization_request === 'string')
      return { status: 'requested', authorization_request: answer.authorization_request };
    if (answer.status === 'expired') return { status: 'expired' };
    if (answer.status !== 'waiting') return { status: 'unknown' };
    const left = w.expiresAt - now();
    if (left <= 0) return { status: 'expired' };
    const pause = Math.min(retryAfterMs(retryAfter), left);
    if (pause > 0) await sleep(pause);
  }
}
