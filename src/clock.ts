/** Time is passed in where it matters, so tests freeze it instead of sleeping. */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (ms: number): Clock & { set(ms: number): void; advance(ms: number): void } => {
  let t = ms;
  return { now: () => t, set: (v) => { t = v; }, advance: (d) => { t += d; } };
};

// The random pool lives in random-source.ts. Re-exported here only for src/formats/sd-jwt and
// src/formats/sd-jwt-vc, whose imports another branch owns; new code imports random-source.ts.
export { systemRandom, type RandomSource } from './random-source.js';

/** Seconds since the epoch, as JWT NumericDate. */
export const epochSeconds = (clock: Clock) => Math.floor(clock.now() / 1000);
