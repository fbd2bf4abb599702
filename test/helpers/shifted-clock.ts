import type { Clock } from '../../src/clock.js';

/**
 * The system time plus an offset the test moves forward: time keeps running (timeouts, database
 * timestamps stay plausible), and a test that must get past a window (a cache second, a key
 * handover) advances it instead of sleeping.
 */
export interface ShiftedClock extends Clock {
  /** Moves this clock `ms` forward; everything that reads it sees the later time at once. */
  advance(ms: number): void;
}

export function shiftedClock(): ShiftedClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      if (ms < 0) throw new Error('a clock only moves forward');
      offset += ms;
    },
  };
}
