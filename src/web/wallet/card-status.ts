/**
 * Each card's status, as the holder should see it: valid, suspended, revoked (from the card's
 * Token Status List, draft-ietf-oauth-status-list §8.3 steps: fetch the list, inflate `lst`, read
 * `bits` bits at `idx`) or expired (its `exp`). A list is kept for its `ttl` (§13.7), then fetched
 * again, so a revocation shows within the `ttl` the issuer chose.
 *
 * Why by hand: the server's reader (src/formats/status-list) inflates with node:zlib; here the
 * browser's DecompressionStream does it. The list's signature is not checked here: a forged
 * "revoked" could only hide a card from its own holder, and every verifier checks the signed
 * list itself.
 */
import { utf8, type DecodedSdJwt } from './sd-jwt.js';
import { isMdoc, type DecodedMdoc } from './mdoc.js';
import { t } from '../shared/i18n.js';

export type CardStatus = 'valid' | 'suspended' | 'revoked' | 'expired' | 'unknown';

interface CachedList {
  bits: number;
  bytes: Uint8Array;
  /** When the cached list must be fetched again (ms). */
  freshUntil: number;
}

const lists = new Map<string, Promise<CachedList>>();
const freshness = new Map<string, number>();

const b64urlBytes = (s: string): Uint8Array => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  // §4.1: `lst` is ZLIB (RFC 1950) = the Compression Streams "deflate" format.
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function fetchList(uri: string): Promise<CachedList> {
  const res = await fetch(uri, { headers: { accept: 'application/statuslist+jwt' }, cache: 'no-cache' });
  // cardStatus shows a list it cannot fetch or read as "status unknown"; should one of these ever be shown, it is in the page's language.
  if (!res.ok) throw new Error(t('발급기관의 증명서 상태 목록을 받지 못했습니다. 잠시 후 다시 확인하십시오.', `status list ${res.status}`));
  const jwt = await res.text();
  const payload = JSON.parse(utf8.decode(b64urlBytes(jwt.split('.')[1] ?? ''))) as {
    ttl?: number;
    status_list?: { bits?: number; lst?: string };
  };
  const bits = payload.status_list?.bits;
  if (!bits || ![1, 2, 4, 8].includes(bits) || typeof payload.status_list?.lst !== 'string')
    throw new Error(t('발급기관이 보낸 증명서 상태 목록을 읽을 수 없습니다. 발급기관에 문의하십시오.', 'not a status list'));
  const ttl = typeof payload.ttl === 'number' && payload.ttl > 0 ? Math.min(payload.ttl, 3600) : 60;
  return { bits, bytes: await inflate(b64urlBytes(payload.status_list.lst)), freshUntil: Date.now() + ttl * 1000 };
}

function list(uri: string): Promise<CachedList> {
  const cached = lists.get(uri);
  if (cached && (freshness.get(uri) ?? 0) > Date.now()) return cached;
  const next = fetchList(uri);
  lists.set(uri, next);
  next.then((l) => freshness.set(uri, l.freshUntil)).catch(() => lists.delete(uri));
  return next;
}

/** The card's status now: expiry first, then its status list entry. */
export async function cardStatus(decoded: DecodedSdJwt | DecodedMdoc, expiresAt: string | null): Promise<CardStatus> {
  if (expiresAt !== null && Date.parse(expiresAt) < Date.now()) return 'expired';
  // An SD-JWT VC's `status` claim, or an mdoc MSO's `status` (the list's CBOR binding): the same reference.
  const ref = ((isMdoc(decoded) ? decoded.status : decoded.claims.status) as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)
    ?.status_list;
  if (!ref || typeof ref.uri !== 'string' || !Number.isSafeInteger(ref.idx)) return 'valid';
  try {
    const l = await list(ref.uri);
    const idx = ref.idx as number;
    // §4.1: entry i sits at bit (i * bits) of the byte array, least significant bits first.
    const value = ((l.bytes[Math.floor((idx * l.bits) / 8)] ?? 0) >> ((idx * l.bits) % 8)) & ((1 << l.bits) - 1);
    return value === 0 ? 'valid' : value === 1 ? 'revoked' : value === 2 ? 'suspended' : 'unknown';
  } catch {
    return 'unknown';
  }
}
