/**
 * The time and randomness formats are given. Formats keep no clock of their own and import
 * nothing outside src/formats, so they name the shapes here; src/clock.ts's clocks and the
 * pooled `systemRandom` of src/random-source.ts satisfy them, and issuance passes those in.
 */
import { randomBytes } from 'node:crypto';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export type RandomSource = (bytes: number) => Uint8Array;

/** Straight from the CSPRNG, one call per draw: the default when a caller injects no (pooled) source. */
export const cryptoRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/** Seconds since the epoch, as JWT NumericDate. */
export const epochSeconds = (clock: Clock) => Math.floor(clock.now() / 1000);
