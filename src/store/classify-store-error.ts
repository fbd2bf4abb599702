/**
 * Tells a store that cannot serve right now (database down, disk full, file read-only) apart
 * from a bug: the first answers 503 with Retry-After and heals without a restart.
 */
// 55P03 lock_not_available (lock_timeout, see open-database.ts), 57014 query_canceled (an operator's
// pg_cancel_backend, a statement timeout): the store is busy, not broken — try again shortly.
const PG_UNAVAILABLE = new Set([
  '55P03',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53100',
  '53200',
  '53300',
  '40001',
  '40P01',
]);
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isStoreUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (PG_UNAVAILABLE.has(code) || NODE_NET.has(code)) return true;
  // Inside a transaction, a named statement the server no longer holds as we sent it
  // (open-database.ts, nameHotStatements): its text goes unnamed from then on, so a retry succeeds.
  if (isStaleNamedStatement(e)) return true;
  if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN|PROTOCOL)/.test(code)) return true;
  const msg = typeof err.message === 'string' ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|database system is (starting|shutting) up/i.test(
    msg,
  );
}

/**
 * PostgreSQL's answer when a named prepared statement (open-database.ts) no longer matches what
 * this process sent: a kept `SELECT *` plan whose table gained a column (0A000 "cached plan must
 * not change result type"), a statement the session does not hold (26000: closed after a failed
 * bind, or a pooler in transaction mode that moved us to another server connection) or already
 * holds under that name (42P05, the same pooler).
 */
export function isStaleNamedStatement(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === '26000' || err.code === '42P05') return true;
  return err.code === '0A000' && typeof err.message === 'string' && /cached plan must not change result type/.test(err.message);
}
