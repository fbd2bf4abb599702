/**
 * How long a statement waits for a lock another connection holds (an operator's transaction, a
 * migration on another node, another process's write) before it fails — SQLite's SQLITE_BUSY,
 * PostgreSQL's 55P03 — and the request answers 503 with Retry-After, unless STORE_LOCK_TIMEOUT_MS
 * says otherwise. Without a bound a request waits as long as the lock is held (a hang, not an
 * answer), and a migration waiting for its lock stalls every query queued behind it.
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;
/** What STORE_LOCK_TIMEOUT_MS may be set to. */
export const LOCK_TIMEOUT_RANGE_MS = { min: 100, max: 60_000 } as const;
