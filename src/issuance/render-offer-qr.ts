/**
 * QR codes of an offer link, rendered with `qrcode` (SVG and PNG). Renders are cached in memory
 * by the reference's hash until the offer expires; the cache is bounded, and a miss only costs a
 * render. Only an open offer is ever rendered (no render work for made-up references).
 *
 * A repeated request within OPEN_CHECK_MS of the last store check is answered from memory without
 * asking the store again (the read was a third of the cached path's server time, cpu-prof): so a
 * QR can still be shown for up to that long after its offer was used. That reveals nothing — the
 * image only encodes the link the caller already holds, and the offer behind it is checked on
 * every read (`GET` of the offer, token, credential).
 */
import { findOpenOfferByRefHash } from './read-credential-offer.js';
import { OFFER_SCHEME, offerUri } from './create-offer.js';
import { hashSecret } from './vci-secrets.js';
import type { VciDeps } from './vci-deps.js';
import { renderLinkQr, type QrKind } from '../render-link-qr.js';

interface Rendered {
  expiresAt: number;
  /** When the store last said this offer was open. */
  checkedAt: number;
  svg?: string;
  png?: Buffer;
}

export const OPEN_CHECK_MS = 1000;
const MAX_CACHED = 1000;
const cache = new Map<string, Rendered>();

function remember(key: string, expiresAt: number, now: number): Rendered {
  let entry = cache.get(key);
  if (entry) {
    entry.checkedAt = now;
    return entry;
  }
  if (cache.size >= MAX_CACHED) {
    for (const [k, v] of cache) if (v.expiresAt <= now) cache.delete(k);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  entry = { expiresAt, checkedAt: now };
  cache.set(key, entry);
  return entry;
}

async function openEntry(deps: Pick<VciDeps, 'store' | 'clock'>, ref: string): Promise<Rendered> {
  const now = deps.clock.now();
  const key = hashSecret(ref);
  const known = cache.get(key);
  if (known && known.expiresAt > now && now - known.checkedAt < OPEN_CHECK_MS) return known;
  try {
    const offer = await findOpenOfferByRefHash(deps, key);
    return remember(key, offer.expires_at, now);
  } catch (e) {
    cache.delete(key); // used, expired or unknown: nothing to keep
    throw e;
  }
}

export async function renderOfferQr(
  deps: Pick<VciDeps, 'store' | 'clock' | 'config'>,
  ref: string,
  kind: QrKind,
): Promise<string | Buffer> {
  const entry = await openEntry(deps, ref);
  const link = () => `${OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(offerUri(deps.config.publicUrl, ref))}`;
  if (kind === 'svg') return (entry.svg ??= await renderLinkQr(link(), 'svg'));
  return (entry.png ??= await renderLinkQr(link(), 'png'));
}
