/**
 * CBOR encoding for the mdoc structures we build, with one shared cbor-x Encoder set as @owf/mdoc
 * sets its own (byte strings untagged, maps as maps with their exact length, no records), so our
 * bytes are the bytes @owf/mdoc would make of the same structure. @owf/mdoc's `cborEncode` makes a
 * new Encoder for every call, which the profile of mdoc issuance showed; this one is made once.
 */
import { Encoder, Tag } from 'cbor-x';

const encoder = new Encoder({ tagUint8Array: false, useRecords: false, mapsAsObjects: false, variableMapSize: true });

/**
 * The encoding of `value`. Not copied: outside its REUSE_BUFFER_MODE cbor-x never writes over what
 * it returned (each encoding goes after the last in its 8 KiB buffer, or into a new one).
 */
export const encodeCbor = (value: unknown): Uint8Array => encoder.encode(value);

/**
 * RFC 8949 §3.4.1 / ISO/IEC 18013-5 §7.2.1: a `tdate` is tag 0 over an RFC 3339 date-time; the
 * MSO's are in UTC without fractions of a second (as @owf/mdoc writes a Date), e.g. 2026-01-01T00:00:00Z.
 */
export const tdate = (ms: number): Tag => new Tag(`${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`, 0);
