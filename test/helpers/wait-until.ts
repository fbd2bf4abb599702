import { scaled } from './time-scale.js';

/**
 * Polls `ok` until it holds, for waits on real processes (a spawned server, a load loop).
 * Fails after `ms` × TEST_TIMEOUT_SCALE, saying what did not happen; resolves with the ms waited.
 */
export async function waitUntil(
  what: string | (() => string),
  ok: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 50,
): Promise<number> {
  const started = Date.now();
  const limit = scaled(ms);
  while (!(await ok())) {
    if (Date.now() - started > limit)
      throw new Error(`${typeof what === 'string' ? what : what()} (waited ${limit} ms; TEST_TIMEOUT_SCALE scales this)`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Date.now() - started;
}
