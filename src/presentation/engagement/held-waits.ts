/**
 * How many engagement waits (GET /v1/wallet/engagements/request, a long-poll) this node holds
 * open, counted three ways, so that no one client can hold them all:
 *
 * - per node (perNode): held connections stay bounded, whoever asks;
 * - per client address (perAddress): one address, with as many handles as it likes, holds at
 *   most a tenth of the node. An IPv6 address counts by its /64, the block one host (or one
 *   phone on a mobile network) is given, so walking the addresses of a /64 gains nothing;
 * - per wait token (perToken): one wallet needs one wait at a time.
 *
 * A wait that finds a bound reached is not held: it is answered at once (`waiting`, with a
 * Retry-After of retryAfterSeconds). The counts are changed synchronously in `take` and in the
 * release it returns (Node runs one of them at a time, so they are exact under any number of
 * concurrent requests); the release runs once, however often it is called, and a count that
 * reaches zero leaves its map, so the maps hold only what is held now.
 */
import { addressKey } from '../../formats/address-key.js';

export interface WaitCaps {
  perNode: number;
  perAddress: number;
  perToken: number;
  /** Retry-After of a wait that was not held. */
  retryAfterSeconds: number;
}

export const DEFAULT_WAIT_CAPS: Readonly<WaitCaps> = {
  perNode: 2000,
  // A tenth of the node: ten addresses are needed to fill it, each within the per-address request
  // ceiling. Behind a mobile carrier's NAT many phones share one address; 200 of them showing a
  // QR at a counter of this one service in the same 20 s is far more than any one address carries
  // (a QR is shown for seconds, at a counter). Phones past it are not turned away: each ask reads
  // the store once, so the counter's request reaches them within Retry-After, only not held.
  perAddress: 200,
  // One wallet holds one wait; a second covers a wallet that asks again before the service has
  // seen its previous connection close (the service looks every 100 ms).
  perToken: 2,
  // 3 s: a wallet not held asks at most 20 times a minute, under the default 30 per wait token
  // (RATE_LIMIT_PER_REFERENCE_PER_MINUTE), and still sees the counter's request within 3 s.
  retryAfterSeconds: 3,
};

/**
 * The Retry-After of a wait that is not held, for a per-token limit of `perTokenPerMinute`
 * (RATE_LIMIT_PER_REFERENCE_PER_MINUTE; 0 = none): long enough that a wallet asking again after
 * each pause stays under the limit (60 / limit seconds, and a second more), never below the
 * default 3 s. The reference wallets wait at most 10 s, so a limit under ~6 a minute stays tight.
 */
export const retryAfterFor = (perTokenPerMinute: number): number =>
  perTokenPerMinute <= 0
    ? DEFAULT_WAIT_CAPS.retryAfterSeconds
    : Math.max(DEFAULT_WAIT_CAPS.retryAfterSeconds, Math.ceil(60 / perTokenPerMinute) + 1);

export class HeldWaits {
  readonly caps: Readonly<WaitCaps>;
  #total = 0;
  readonly #byAddress = new Map<string, number>();
  readonly #byToken = new Map<string, number>();

  constructor(caps: Partial<WaitCaps> = {}) {
    this.caps = { ...DEFAULT_WAIT_CAPS, ...caps };
  }

  /**
   * Holds one wait from `address` (request.ip) with the wait token whose hash is `tokenHash`: its
   * release (call it when the wait ends, however it ends), or undefined when a bound is reached.
   */
  take(address: string, tokenHash: string): (() => void) | undefined {
    const addr = addressKey(address);
    if (
      this.#total >= this.caps.perNode ||
      (this.#byAddress.get(addr) ?? 0) >= this.caps.perAddress ||
      (this.#byToken.get(tokenHash) ?? 0) >= this.caps.perToken
    )
      return undefined;
    this.#total++;
    bump(this.#byAddress, addr, 1);
    bump(this.#byToken, tokenHash, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#total--;
      bump(this.#byAddress, addr, -1);
      bump(this.#byToken, tokenHash, -1);
    };
  }

  /** What is held now: waits in all, and how many addresses and wait tokens hold one (for tests and metrics). */
  get counts(): { waits: number; addresses: number; tokens: number } {
    return { waits: this.#total, addresses: this.#byAddress.size, tokens: this.#byToken.size };
  }
}

function bump(counts: Map<string, number>, key: string, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
