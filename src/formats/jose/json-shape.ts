/**
 * The shape of JSON text (how deep, how wide, whether an object names a member twice), read in
 * one linear pass before anything is built from it. Both strict JSON readers use it: security
 * tokens (parse-json.ts) and request bodies (src/http/json-bounds.ts).
 *
 * Why by hand: neither `JSON.parse` nor secure-json-parse (nor any maintained parser we found)
 * takes a depth or width limit or refuses a duplicated member name. `JSON.parse` keeps the last
 * of two members with the same name, so `{"alg":"ES256","alg":"none"}` or a body with `type` twice
 * reads differently in a library, proxy or firewall that keeps the first (RFC 7515 §5.2, RFC 7493
 * §2.3, RFC 8259 §4). A 10,000-deep value parses, then overflows the stack of the recursive code
 * that walks it; a 100,000-member object takes V8's `JSON.parse` over a second. The scan knows
 * only strings (brackets, commas and colons inside them do not count), brackets and commas, and
 * stops at the first fault: a hostile text costs one cheap scan, never a parse. `JSON.parse`
 * stays the syntax check, so the scan may be lax about syntax. The same pass reads each number
 * (they lie outside strings) for I-JSON's rule, which `JSON.parse` does not check either.
 */

/**
 * `forbidden_name`: a member named `__proto__`. JSON.parse makes it an own member, harmless until
 * code copies the object with Object.assign or a for-in into `{}`, where it sets the prototype. No
 * real token, body or metadata names it; SECURITY.md refuses it wherever JSON enters.
 *
 * `unrepresentable_number`: a number that cannot be read as the number it writes, one that
 * overflows to Infinity (1e309) or one with a digit other than 0 that underflows to 0 (1e-400; a
 * `rate_limit` of 1e-400 read as 0, "unlimited"). RFC 7493 (I-JSON) §2.2.
 */
export type JsonShapeFault = 'too_deep' | 'too_wide' | 'duplicate_name' | 'forbidden_name' | 'unrepresentable_number';

export interface JsonShapeBounds {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most members of one object (no bound when absent). */
  readonly maxMembers?: number;
  /** Most items of one array (no bound when absent). */
  readonly maxItems?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
/** "No bound" on a width: more commas than any text this scan can be given holds (and an Int32Array can). */
const UNBOUNDED = 0x7fffffff;
/** A JSON number token (RFC 8259 §6), matched where one starts. */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/** The index past the number token at `i` (i itself when none starts there), or -1 when it cannot be read as written. */
function numberEnd(text: string, i: number): number {
  NUMBER.lastIndex = i;
  const token = NUMBER.exec(text)?.[0];
  if (token === undefined) return i;
  const value = Number(token);
  if (!Number.isFinite(value) || (value === 0 && /[1-9]/.test(token.replace(/[eE].*$/, '')))) return -1;
  return i + token.length;
}

/** Index of the quote that closes the string opened at `open`, or -1. */
export function closingQuote(text: string, open: number): number {
  let j = open + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return -1;
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j++;
  }
}

/** The first fault of `text`'s shape, or undefined (also for text that is not JSON at all). */
export function jsonShapeFault(text: string, bounds: JsonShapeBounds): JsonShapeFault | undefined {
  const { maxDepth } = bounds;
  const maxMembers = Math.min(bounds.maxMembers ?? UNBOUNDED, UNBOUNDED);
  const maxItems = Math.min(bounds.maxItems ?? UNBOUNDED, UNBOUNDED);
  // Per open container (index = depth): commas seen, the most allowed, and for an object the
  // member names seen (one Set per depth, reused by the next object at that depth).
  const commas = new Int32Array(maxDepth + 1);
  const allowed = new Int32Array(maxDepth + 1);
  const names: (Set<string> | undefined)[] = [];
  const isObject = new Uint8Array(maxDepth + 1);
  let depth = 0;
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) return undefined; // unterminated: JSON.parse says so
      if (expectName) {
        expectName = false;
        const raw = text.slice(i + 1, end);
        let name = raw;
        if (raw.includes('\\')) {
          // "\u0061" and "a" are one name: compare them decoded.
          try {
            name = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            return undefined;
          }
        }
        if (name === '__proto__') return 'forbidden_name';
        const seen = names[depth]!;
        if (seen.has(name)) return 'duplicate_name';
        seen.add(name);
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return 'too_deep';
      commas[depth] = 0;
      const object = c === OPEN_OBJECT;
      isObject[depth] = object ? 1 : 0;
      allowed[depth] = (object ? maxMembers : maxItems) - 1;
      if (object) (names[depth] ??= new Set()).clear();
      expectName = object;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
      expectName = false;
    } else if (c === 0x2c /* , */ && depth > 0) {
      if (++commas[depth]! > allowed[depth]!) return 'too_wide';
      expectName = isObject[depth] === 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const end = numberEnd(text, i);
      if (end < 0) return 'unrepresentable_number';
      if (end > i) i = end - 1;
    }
  }
  return undefined;
}
