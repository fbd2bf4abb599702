/**
 * Server-provided DPoP nonces (RFC 9449 §8 and §9), valid on every node: a nonce is 256 random
 * bits whose SHA-256 is stored in the shared consumed_nonces table with its expiry, so any node
 * can tell it is ours. A node hands out the same nonce for a while (a quarter of its lifetime)
 * and then mints the next, so the store sees about one write per node per minute, not one per
 * request; nonces found valid are remembered in memory until they expire.
 */
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import { hashSecret, newSecret } from '../vci-secrets.js';

/** consumed_nonces.kind of a DPoP nonce. */
const KIND = 'dpop_nonce';
/** Nonces a node remembers as valid (each lookup of an unknown one goes to the store). */
const REMEMBERED = 1024;

export interface DpopNonces {
  /** The nonce to hand out now (minted and stored when the current one is past its turn). */
  current(): Promise<string>;
  /** Is this a nonce some node handed out, not yet expired? */
  isValid(nonce: string): Promise<boolean>;
}

export function dpopNonces(store: Pick<Store, 'nonces'>, clock: Clock, ttlSeconds: number): DpopNonces {
  const ttlMs = ttlSeconds * 1000;
  let mine: { nonce: string; mintedAt: number } | undefined;
  let minting: Promise<string> | undefined;
  const known = new Map<string, number>();
  const remember = (hash: string, expiresAt: number) => {
    if (known.size >= REMEMBERED) known.clear();
    known.set(hash, expiresAt);
  };
  const mint = async (): Promise<string> => {
    const nonce = newSecret();
    const now = clock.now();
    await store.nonces.consume(hashSecret(nonce), KIND, now + ttlMs);
    remember(hashSecret(nonce), now + ttlMs);
    mine = { nonce, mintedAt: now };
    return nonce;
  };
  return {
    async current() {
      // A nonce handed out now stays valid for at least three quarters of its lifetime.
      if (mine && clock.now() - mine.mintedAt < ttlMs / 4) return mine.nonce;
      minting ??= mint().finally(() => {
        minting = undefined;
      });
      return minting;
    },
    async isValid(nonce) {
      const hash = hashSecret(nonce);
      const now = clock.now();
      const expiresAt = known.get(hash);
      if (expiresAt !== undefined) return expiresAt > now;
      if (!(await store.nonces.isLive(hash, now))) return false;
      // The row's own expiry is not read back; remembering it for a quarter of the lifetime is safe.
      remember(hash, Math.min(now + ttlMs / 4, now + ttlMs));
      return true;
    },
  };
}
