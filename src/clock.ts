/** Time and randomness are passed in where they matter, so tests freeze them instead of sleeping. */
import { randomBytes } from 'node:crypto';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (ms: number): Clock & { set(ms: number): void; advance(ms: number): void } => {
  let t = ms;
  return { now: () => t, set: (v) => { t = v; }, advance: (d) => { t += d; } };
};

export type RandomSource = (bytes: number) => Uint8Array;
export const systemRandom: RandomSource = (n) => randomBytes(n);

/** Seconds since the epoch, as JWT NumericDate. */
export const epochSeconds = (clock: Clock) => Math.floor(clock.now() / 1000);
