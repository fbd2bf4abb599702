/**
 * One scale factor for every wait on something real (a spawned server, a child process, a timeout
 * in vitest.config.ts). TEST_TIMEOUT_SCALE=3 on a loaded machine triples them all; default 1.
 */
export const TIMEOUT_SCALE = (() => {
  const raw = process.env.TEST_TIMEOUT_SCALE;
  const n = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`TEST_TIMEOUT_SCALE must be a positive number (got ${raw})`);
  return n;
})();

/** `ms` scaled by TEST_TIMEOUT_SCALE. */
export const scaled = (ms: number): number => Math.round(ms * TIMEOUT_SCALE);
