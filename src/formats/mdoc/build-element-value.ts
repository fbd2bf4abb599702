/**
 * A claim's JSON value as an ISO/IEC 18013-5 data element value (§7.2.1, §8.3.2.1.2.2): a
 * `full-date` path becomes a tagged full-date (RFC 8943 tag 1004, @owf/mdoc's DateOnly), a
 * `bytes` path (a base64url portrait) a byte string; objects become CBOR maps with text keys and
 * everything else keeps its JSON type. Paths are catalogue claim paths (`a[].b`).
 */
import { DateOnly } from '@owf/mdoc';

export type ElementEncodings = Readonly<Record<string, 'full-date' | 'bytes'>>;

export function buildElementValue(value: unknown, path: string, encodings: ElementEncodings): unknown {
  const encoding = encodings[path];
  if (typeof value === 'string' && encoding === 'full-date') return new DateOnly(value);
  if (typeof value === 'string' && encoding === 'bytes') return new Uint8Array(Buffer.from(value, 'base64url'));
  if (Array.isArray(value)) return value.map((v) => buildElementValue(v, `${path}[]`, encodings));
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, buildElementValue(v, `${path}.${k}`, encodings)]));
  }
  return value;
}
