/**
 * The Token Status List byte array and its `lst` encoding (draft-ietf-oauth-status-list §4.1, §4.2).
 *
 * Each referenced token owns `bits` consecutive bits; entries are packed into bytes starting at the
 * least significant bit, so index 0 sits in the low bits of byte 0 (§4.1 step 3, §11.1). The array
 * is ZLIB-compressed (RFC 1950 around RFC 1951 DEFLATE) at the highest level and base64url-encoded
 * without padding (§4.1 step 4, §4.2).
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { statusFormatError } from './error-codes.js';

export type StatusListBits = 1 | 2 | 4 | 8;
export const STATUS_LIST_BITS: readonly StatusListBits[] = [1, 2, 4, 8];

/**
 * The most entries a list we decode may hold: 2^24, the largest STATUS_LIST_SIZE we publish
 * ourselves (the draft's examples use 2^20). A list's inflated size is capped at
 * entries × bits / 8, so a one-bit list stops at 2 MiB and an eight-bit one at 16 MiB.
 */
export const MAX_STATUS_LIST_ENTRIES = 2 ** 24;

/** The largest inflated byte array accepted for `bits`-wide entries. */
export const maxStatusListBytes = (bits: StatusListBits): number => (MAX_STATUS_LIST_ENTRIES * bits) / 8;

/** The largest inflated size of any list (eight-bit entries): 16 MiB. */
export const DEFAULT_MAX_STATUS_LIST_BYTES = maxStatusListBytes(8);

export interface DecodeStatusListOptions {
  /** Refuse lists that inflate to more bytes than this (zip-bomb guard); never above maxStatusListBytes(bits). */
  maxBytes?: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** §4.1 step 1, §4.2: `bits` MUST be 1, 2, 4 or 8. */
export const assertStatusListBits = (bits: unknown): StatusListBits => {
  if (!STATUS_LIST_BITS.includes(bits as StatusListBits)) {
    throw statusFormatError('status_list_bad_bits', `bits must be 1, 2, 4 or 8, got ${JSON.stringify(bits)}`);
  }
  return bits as StatusListBits;
};

export class StatusList {
  readonly bits: StatusListBits;
  readonly #bytes: Uint8Array;

  /** A list of at least `size` entries, all 0 (VALID); rounded up to whole bytes (§13.4). */
  constructor(size: number, bits: StatusListBits) {
    this.bits = assertStatusListBits(bits);
    if (!Number.isSafeInteger(size) || size < 1) {
      throw statusFormatError('status_list_malformed', `a status list needs a positive integer size, got ${size}`);
    }
    this.#bytes = new Uint8Array(Math.ceil((size * bits) / 8));
  }

  /** Wraps a copy of an uncompressed byte array. */
  static fromBytes(bytes: Uint8Array, bits: StatusListBits): StatusList {
    const list = new StatusList((bytes.length * 8) / assertStatusListBits(bits), bits);
    list.#bytes.set(bytes);
    return list;
  }

  /** Decodes `lst` strictly: canonical base64url, one complete ZLIB stream, size capped. */
  static decode(lst: unknown, bits: unknown, options: DecodeStatusListOptions = {}): StatusList {
    const checkedBits = assertStatusListBits(bits);
    // §4.2: `lst` is the base64url-encoded (RFC 7515 §2, no padding) compressed byte array.
    if (typeof lst !== 'string' || !BASE64URL.test(lst) || lst.length % 4 === 1) {
      throw statusFormatError('status_list_malformed', 'lst is not a base64url string');
    }
    const compressed = Buffer.from(lst, 'base64url');
    if (compressed.toString('base64url') !== lst) {
      throw statusFormatError('status_list_malformed', 'lst is not canonical base64url');
    }
    const maxBytes = Math.min(options.maxBytes ?? Infinity, maxStatusListBytes(checkedBits));
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // Zip-bomb guard (§11.1 Status List Size, SECURITY.md): `maxOutputLength` makes zlib stop
      // the moment the output passes the cap, so a 10 kB bomb never allocates past it.
      // `info: true` makes Node return the engine too, so we can see how much input was consumed.
      inflated = inflateSync(compressed, { maxOutputLength: maxBytes, info: true }) as unknown as typeof inflated;
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw statusFormatError('status_list_too_large', `lst inflates to more than ${maxBytes} bytes`);
      }
      // §8.3 step 5: decompress with a DEFLATE (RFC 1951) + ZLIB (RFC 1950) decompressor.
      throw statusFormatError('status_list_bad_compression', 'lst is not a valid ZLIB/DEFLATE stream');
    }
    if (inflated.engine.bytesWritten !== compressed.length) {
      throw statusFormatError('status_list_malformed', 'lst has bytes after the end of the ZLIB stream');
    }
    if (inflated.buffer.length === 0) {
      throw statusFormatError('status_list_malformed', 'lst decodes to an empty byte array');
    }
    return StatusList.fromBytes(inflated.buffer, checkedBits);
  }

  /** Number of entries the list can hold (bytes × 8 / bits). */
  get size(): number {
    return (this.#bytes.length * 8) / this.bits;
  }

  get(index: number): number {
    this.#checkIndex(index);
    const { byte, shift, mask } = this.#locate(index);
    return (this.#bytes[byte]! >> shift) & mask;
  }

  set(index: number, value: number): void {
    this.#checkIndex(index);
    const { byte, shift, mask } = this.#locate(index);
    // §7: the whole `bits`-wide field holds one status value.
    if (!Number.isInteger(value) || value < 0 || value > mask) {
      throw statusFormatError('status_value_out_of_range', `status ${value} does not fit in ${this.bits} bit(s)`);
    }
    this.#bytes[byte] = (this.#bytes[byte]! & ~(mask << shift)) | (value << shift);
  }

  /** The `lst` value: ZLIB at level 9 (§4.1 step 4 RECOMMENDS the highest level), base64url. */
  encode(): string {
    return this.compress().toString('base64url');
  }

  /** The compressed byte array itself: ZLIB at level 9, as the CBOR form's `lst` byte string holds it (§4.3). */
  compress(): Buffer {
    return deflateSync(this.#bytes, { level: 9 });
  }

  /** A copy of the uncompressed byte array. */
  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }

  // §4.1 step 3 / §11.1: bytes in natural order, bits from least to most significant.
  #locate(index: number): { byte: number; shift: number; mask: number } {
    const perByte = 8 / this.bits;
    return { byte: Math.floor(index / perByte), shift: (index % perByte) * this.bits, mask: (1 << this.bits) - 1 };
  }

  #checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw statusFormatError('status_index_out_of_range', `index ${index} is outside 0..${this.size - 1}`);
    }
  }
}
