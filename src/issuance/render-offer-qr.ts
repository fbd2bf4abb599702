/**
 * QR codes of an offer link, rendered with `qrcode` (SVG and PNG). Renders are cached in memory
 * by offer id until the offer expires; the cache is bounded, and a miss only costs a render.
 */
import QRCode from 'qrcode';
import { findOpenOffer } from './read-credential-offer.js';
import { OFFER_SCHEME, offerUri } from './create-offer.js';
import type { VciDeps } from './vci-deps.js';

export type QrKind = 'svg' | 'png';

interface Rendered {
  expiresAt: number;
  svg?: string;
  png?: Buffer;
}

const MAX_CACHED = 1000;
const cache = new Map<string, Rendered>();

function remember(id: string, expiresAt: number, now: number): Rendered {
  let entry = cache.get(id);
  if (entry) return entry;
  if (cache.size >= MAX_CACHED) {
    for (const [k, v] of cache) if (v.expiresAt <= now) cache.delete(k);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  }
  entry = { expiresAt };
  cache.set(id, entry);
  return entry;
}

export async function renderOfferQr(deps: Pick<VciDeps, 'store' | 'clock' | 'config'>, ref: string, kind: QrKind): Promise<string | Buffer> {
  const offer = await findOpenOffer(deps, ref);
  const link = `${OFFER_SCHEME}?credential_offer_uri=${encodeURIComponent(offerUri(deps.config.publicUrl, ref))}`;
  const entry = remember(offer.id, offer.expires_at, deps.clock.now());
  // Error correction M: readable from a phone screen at a counter, still a small symbol.
  if (kind === 'svg') return (entry.svg ??= await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  return (entry.png ??= await QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 }));
}
