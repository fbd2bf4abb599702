/** Randomness is passed in where it matters (salts, decoys, nonces), so tests can fix it. */
import { randomBytes, randomFillSync } from 'node:crypto';
import type { RandomSource } from './formats/clock.js';

export type { RandomSource } from './formats/clock.js';

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

/**
 * `n` bytes from the pool as text: the ids and secrets of the wallet's flow (offer ids and
 * references, access tokens, c_nonces, notification ids). One `randomBytes` call each was a
 * CryptoJob and a `getpid` syscall (OpenSSL's fork check) every time, six to seven per flow
 * (issue 22); the bytes are the same CSPRNG's, handed out once.
 */
export function randomText(n: number, encoding: 'base64url' | 'hex' = 'base64url'): string {
  const b = systemRandom(n);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(encoding);
}
