/**
 * Our own walk over CBOR bytes before any library decodes them (SECURITY.md "Tokens", issue 16:
 * hostile CBOR). It decodes nothing; it only refuses, with one code each:
 *
 * - larger than MAX_BYTES, or more than MAX_ITEMS items in all (`mdoc_cbor_too_large`);
 * - nested deeper than MAX_DEPTH, counting CBOR embedded in tag 24 (`mdoc_cbor_too_deep`);
 * - a map or array of more than MAX_ENTRIES entries, a string longer than MAX_BYTES, so longer
 *   than any input we take (`mdoc_cbor_too_wide`);
 * - indefinite lengths (RFC 8949 §3.2.2; ISO 18013-5 §8.1 asks for definite lengths):
 *   `mdoc_cbor_indefinite_length`;
 * - a map key twice, compared by its encoded bytes (RFC 8949 §5.6: such a map is not valid):
 *   `mdoc_cbor_duplicate_key`;
 * - a tag other than tdate (0), full-date (1004) or embedded CBOR (24); ISO 18013-5 carries its
 *   COSE_Sign1 structures untagged:
 *   `mdoc_cbor_unexpected_tag`;
 * - a map key that is neither text nor an integer, a tdate or full-date that is not text of its
 *   RFC 3339 grammar: well-formed CBOR, but in no ISO 18013-5 structure (`mdoc_malformed`);
 * - truncation (an item, or a string, that runs past the end of the bytes), bytes after the item,
 *   reserved additional information (28–30), simple values in two bytes below 32, a tag 24 that
 *   does not hold one whole CBOR item, or a text string that is not UTF-8 (`mdoc_cbor_malformed`).
 *
 * Linear in the input (every byte is looked at a bounded number of times), so the cost of a
 * refused DeviceResponse is one pass.
 */
import { formatError } from '../error-codes.js';
import { isRfc3339DateTime, isRfc3339FullDate } from './check-cbor-date.js';

export const MAX_BYTES = 192 * 1024;
export const MAX_DEPTH = 24;
export const MAX_ENTRIES = 1024;
export const MAX_ITEMS = 20_000;
const ALLOWED_TAGS = new Set([0, 24, 1004]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Walk {
  bytes: Uint8Array;
  items: number;
}

const malformed = (message: string) => formatError('mdoc_cbor_malformed', message);
/** Well-formed CBOR no mdoc structure can hold, wherever it is (also in members nothing reads). */
const shape = (message: string) => formatError('mdoc_malformed', message);

/** Reads the argument of the head at `pos`; returns [value, next position]. */
function readArgument(w: Walk, pos: number, info: number): [number, number] {
  const b = w.bytes;
  if (info < 24) return [info, pos];
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
  if (size === 0) {
    if (info === 31) throw formatError('mdoc_cbor_indefinite_length', 'indefinite-length items are not accepted');
    throw malformed('reserved additional information');
  }
  if (pos + size > b.length) throw malformed('truncated');
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[pos + i]!;
  return [v, pos + size];
}

/** The text item at [from, to) read by `valid`: a tdate or full-date (already walked, so its UTF-8 checked). */
function checkDateText(w: Walk, from: number, to: number, valid: (text: string) => boolean): void {
  const head = w.bytes[from]!;
  if (head >> 5 !== 3) throw shape('a tdate or full-date tag does not hold text');
  const [, start] = readArgument(w, from + 1, head & 0x1f);
  if (!valid(utf8.decode(w.bytes.subarray(start, to)))) throw shape('a tdate or full-date is not an RFC 3339 date');
}

/** Walks one item at `pos`; returns the position after it. */

/**
 * A map key's encoded bytes as a string, one character per byte, for telling keys apart. Node's
 * Buffer does it natively; the web wallet (no Buffer) decodes windows-1252, which the Encoding
 * Standard makes one-to-one over all 256 bytes, so equal strings still mean equal bytes.
 */
const WINDOWS_1252 = typeof Buffer === 'undefined' ? new TextDecoder('windows-1252') : undefined;
const byteString = (b: Uint8Array, from: number, to: number): string =>
  WINDOWS_1252 ? WINDOWS_1252.decode(b.subarray(from, to)) : Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

function walkItem(w: Walk, pos: number, depth: number): number {
  if (depth > MAX_DEPTH) throw formatError('mdoc_cbor_too_deep', `CBOR nests more than ${MAX_DEPTH} levels`);
  if (++w.items > MAX_ITEMS) throw formatError('mdoc_cbor_too_large', `more than ${MAX_ITEMS} CBOR items`);
  const b = w.bytes;
  if (pos >= b.length) throw malformed('truncated');
  const major = b[pos]! >> 5;
  const info = b[pos]! & 0x1f;
  const [arg, next] = readArgument(w, pos + 1, info);
  switch (major) {
    case 0:
    case 1:
      return next;
    case 2:
    case 3: {
      // A length no input we accept could hold is refused from the head (too wide); one that merely
      // runs past the end of these bytes is a truncated item (RFC 8949 §3: not well-formed).
      if (arg > MAX_BYTES) throw formatError('mdoc_cbor_too_wide', `a string of more than ${MAX_BYTES} bytes`);
      if (arg > b.length - next) throw malformed('truncated: a string runs past the end of the input');
      if (major === 3) {
        try {
          utf8.decode(b.subarray(next, next + arg));
        } catch {
          throw malformed('a text string is not UTF-8');
        }
      }
      return next + arg;
    }
    case 4: {
      if (arg > MAX_ENTRIES) throw formatError('mdoc_cbor_too_wide', `an array of more than ${MAX_ENTRIES} items`);
      let p = next;
      for (let i = 0; i < arg; i++) p = walkItem(w, p, depth + 1);
      return p;
    }
    case 5: {
      if (arg > MAX_ENTRIES) throw formatError('mdoc_cbor_too_wide', `a map of more than ${MAX_ENTRIES} entries`);
      const keys = new Set<string>();
      let p = next;
      for (let i = 0; i < arg; i++) {
        const keyEnd = walkItem(w, p, depth + 1);
        // ISO 18013-5 keys its maps by text, its DigestIDs by integer (§8.3.2.1.2, §9.1.2.4), COSE
        // by integer or text (RFC 9052 §3.1, §7): any other key (a byte string, a tag) is in no mdoc.
        const keyMajor = b[p]! >> 5;
        if (keyMajor !== 0 && keyMajor !== 1 && keyMajor !== 3) throw shape('a map key is neither text nor an integer');
        const key = byteString(b, p, keyEnd);
        if (keys.has(key)) throw formatError('mdoc_cbor_duplicate_key', 'a map has the same key twice');
        keys.add(key);
        p = walkItem(w, keyEnd, depth + 1);
      }
      return p;
    }
    case 6: {
      if (!ALLOWED_TAGS.has(arg)) throw formatError('mdoc_cbor_unexpected_tag', `CBOR tag ${arg} is not expected in an mdoc`);
      const end = walkItem(w, next, depth + 1);
      // RFC 8949 §3.4.1 (tdate) and RFC 8943 §2 (full-date): the tag holds text of its grammar.
      if (arg === 0 || arg === 1004) checkDateText(w, next, end, arg === 0 ? isRfc3339DateTime : isRfc3339FullDate);
      // RFC 8949 §3.4.5.1: tag 24 wraps a byte string holding exactly one well-formed CBOR item.
      if (arg === 24) {
        const head = b[next]!;
        if (head >> 5 !== 2) throw malformed('tag 24 does not wrap a byte string');
        const [len, start] = readArgument(w, next + 1, head & 0x1f);
        const inner: Walk = { bytes: b.subarray(start, start + len), items: w.items };
        if (walkItem(inner, 0, depth + 1) !== len) throw malformed('tag 24 holds bytes after its CBOR item');
        w.items = inner.items;
      }
      return end;
    }
    default: {
      // Major type 7: false, true, null, undefined, floats; a one-byte simple value below 32 is not well-formed (§3.3).
      if (info === 24 && arg < 32) throw malformed('a simple value below 32 in two bytes');
      return next;
    }
  }
}

/** Refuses hostile or malformed CBOR (see above); returns nothing when the bytes are one acceptable item. */
export function checkCborLimits(bytes: Uint8Array): void {
  if (bytes.length > MAX_BYTES) throw formatError('mdoc_cbor_too_large', `larger than ${MAX_BYTES} bytes`);
  if (bytes.length === 0) throw malformed('empty');
  const w: Walk = { bytes, items: 0 };
  if (walkItem(w, 0, 0) !== bytes.length) throw malformed('bytes after the CBOR item');
}
