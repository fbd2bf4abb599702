/** Randomness is passed in where it matters (salts, decoys, nonces), so tests can fix it. */
import { randomBytes, randomFillSync } from 'node:crypto';

export type RandomSource = (bytes: number) => Uint8Array;

/**
 * Small draws (salts, decoys, positions: about 25 per credential) come from a pool refilled
 * 4 KiB at a time from the CSPRNG; one randomBytes call per draw cost 6% of issuance (cpu-prof).
 * Every byte is handed out once and wiped from the pool, so the output is the CSPRNG's own.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;
export const systemRandom: RandomSource = (n) => {
  if (n > 256) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const out = Uint8Array.prototype.slice.call(pool, offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
};
