/**
 * Two faults of JSON text that JSON.parse reads without a word (RFC 7493, I-JSON), checked by the
 * request body parser (src/http/json-body.ts) and the token parser (parse-json.ts) alike, so a
 * value refused in a body is refused inside a vp_token or a JWT payload too.
 */
import { closingQuote } from './json-shape.js';

/** A JSON number token (RFC 8259 §6), matched where one starts. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/**
 * Whether a number literal in `text` cannot be read as the number it writes: one that overflows to
 * Infinity (1e309) or one with a digit other than 0 that underflows to 0 (1e-400; `rate_limit`
 * 1e-400 read as 0, "unlimited"). RFC 7493 (I-JSON) §2.2. JSON.parse reads both without a word, and
 * neither ajv nor secure-json-parse sees the text, so this does, in one pass over what lies outside
 * strings (strings are skipped with indexOf: a 20 KB portrait costs ~1 µs, where a regular
 * expression over the whole text cost 24 µs).
 */
export function hasUnrepresentableNumber(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Past the string (a portrait's base64url often matches the cheap test; indexOf skips it at once).
      i = closingQuote(text, i);
      if (i < 0) return false; // unterminated: JSON.parse says so
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)?.[0];
      if (token === undefined) continue;
      const value = Number(token);
      if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(token.replace(/[eE].*$/, '')))) return true;
      i += token.length - 1;
    }
  }
  return false;
}

/** An escape of a UTF-16 surrogate, paired or not; only then are the parsed strings walked. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A lone surrogate (the `u` flag matches Cs only where no pair forms a character). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The path (member names and array indexes) to the first string in a parsed JSON value, member
 * names included, that `test` picks; undefined when none does. The path is built only on the way
 * back from a find.
 */
export function findString(value: unknown, test: (text: string) => boolean): (string | number)[] | undefined {
  if (typeof value === 'string') return test(value) ? [] : undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = findString(v, test);
      if (found) return [i, ...found];
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (test(k)) return [k];
      const found = findString(v, test);
      if (found) return [k, ...found];
    }
  }
  return undefined;
}

const isLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/**
 * Whether `value`, parsed from `text`, holds a lone surrogate that `text` escaped ("\ud800"): valid
 * JSON syntax but no character (RFC 7493 §2.1), which cannot be written as UTF-8. The parsed value
 * is walked only when the text escapes a surrogate at all (`includes` first: a native search,
 * ~0.2 µs over a 20 KB portrait where the expression alone took 4 µs).
 */
export const escapesLoneSurrogate = (text: string, value: unknown): boolean =>
  text.includes('\\u') && SURROGATE_ESCAPE.test(text) && findString(value, isLoneSurrogate) !== undefined;
