/**
 * Strict base64url (RFC 4648 §5 without padding, as JWS uses it, RFC 7515 §2).
 *
 * Node's decoder skips characters it does not know and ignores stray bits, so two different
 * strings can decode to the same bytes. We reject anything outside `[A-Za-z0-9_-]`, padding,
 * impossible lengths and non-zero trailing bits: one byte string has exactly one encoding,
 * which keeps replay checks and digests over encoded text honest.
 */
import { formatError, type FormatErrorCode } from '../error-codes.js';

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const VALUE = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c, i) => [c, i]));

export const isBase64url = (text: string): boolean => ALPHABET.test(text);

/**
 * Decodes `text`, throwing `FormatError(code)` when it is not canonical base64url.
 * Empty input is rejected unless `allowEmpty` (no JWS segment we accept may be empty).
 */
export function decodeBase64url(text: string, code: FormatErrorCode, allowEmpty = false): Uint8Array {
  checkBase64url(text, code, allowEmpty);
  if (text.length === 0) return new Uint8Array(0);
  const buf = Buffer.from(text, 'base64url');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The canonical-form rules of decodeBase64url alone, without decoding (no Buffer here): the
 * browser wallet checks a Disclosure by them and decodes with what the browser has.
 */
export function checkBase64url(text: string, code: FormatErrorCode, allowEmpty = false): void {
  if (typeof text !== 'string') throw formatError(code, 'base64url value is not a string');
  if (text.length === 0) {
    if (allowEmpty) return;
    throw formatError(code, 'empty base64url value');
  }
  if (!ALPHABET.test(text)) throw formatError(code, 'character outside the base64url alphabet');
  const rem = text.length % 4;
  if (rem === 1) throw formatError(code, 'impossible base64url length');
  if (rem !== 0) {
    // The last character carries 4 (rem 2) or 2 (rem 3) unused bits; they must be zero.
    const last = VALUE.get(text[text.length - 1]!)!;
    const unusedMask = rem === 2 ? 0b1111 : 0b11;
    if ((last & unusedMask) !== 0) throw formatError(code, 'non-canonical base64url (trailing bits set)');
  }
}

export const encodeBase64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

export const encodeBase64urlText = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
