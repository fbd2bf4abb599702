/**
 * Time is passed in where it matters, so tests freeze it instead of sleeping. The shapes are
 * defined with the formats (src/formats/clock.ts, pure); this module adds the system clock and
 * the clocks tests set.
 */
import type { Clock } from './formats/clock.js';

export { epochSeconds, type Clock } from './formats/clock.js';

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (ms: number): Clock & { set(ms: number): void; advance(ms: number): void } => {
  let t = ms;
  return {
    now: () => t,
    set: (v) => {
      t = v;
    },
    advance: (d) => {
      t += d;
    },
  };
};
