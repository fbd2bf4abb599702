/**
 * A fault of JSON text that JSON.parse reads without a word (RFC 7493 §2.1, I-JSON), checked by the
 * request body parser (src/http/json-body.ts) and the token parser (parse-json.ts) alike, so a
 * value refused in a body is refused inside a vp_token or a JWT payload too (the other, a number
 * out of range, is found by the shape scan, json-shape.ts); and the walk that finds a string.
 */

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
