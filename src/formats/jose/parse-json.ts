/**
 * Strict JSON for security tokens: UTF-8 only, no duplicate member names, bounded depth.
 *
 * `JSON.parse` keeps the last of two members with the same name, so `{"alg":"ES256","alg":"none"}`
 * reads differently in libraries that keep the first: RFC 7515 §5.2 step 4 / RFC 8725bis §3.x
 * require such input to be rejected. `JSON.parse` also happily builds a 10,000-deep structure
 * that later recursive code would overflow on. So a linear scanner runs first: it tracks the
 * member names of each open object and the nesting depth; only then does `JSON.parse` (fast,
 * native, and the real syntax check) build the value.
 */
import { formatError, type FormatErrorCode } from '../error-codes.js';
import { isJsonObject, type JsonObject, type JsonValue } from './types.js';

/** No token we handle nests this deep; deeper input is an attack or a bug. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
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

/** Rejects duplicate member names (at any depth) and nesting deeper than MAX_JSON_DEPTH. */
function scanMembers(text: string, code: FormatErrorCode): void {
  const open: (Set<string> | null)[] = []; // a Set per open object, null per open array
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) throw formatError(code, 'unterminated JSON string');
      if (expectName) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const names = open[open.length - 1]!;
        // RFC 7515 §5.2 / RFC 8259 §4: member names must be unique; we reject rather than pick one.
        if (names.has(name)) throw formatError(code, 'duplicate JSON member name');
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (open.length >= MAX_JSON_DEPTH) throw formatError(code, `JSON nested deeper than ${MAX_JSON_DEPTH}`);
      open.push(c === 0x7b ? new Set() : null);
      expectName = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      expectName = open[open.length - 1] instanceof Set;
    }
  }
}

/** Parses JSON text strictly; every failure is `FormatError(code)`. */
export function parseJsonText(text: string, code: FormatErrorCode): JsonValue {
  try {
    scanMembers(text, code);
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) throw formatError(code, 'invalid JSON');
    throw e;
  }
}

/** Parses UTF-8 bytes as JSON strictly (invalid UTF-8 and a byte order mark are rejected). */
export function parseJson(bytes: Uint8Array, code: FormatErrorCode): JsonValue {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw formatError(code, 'invalid UTF-8');
  }
  return parseJsonText(text, code);
}

/** As `parseJson`, and the value must be a JSON object (RFC 7515 §4, RFC 7519 §7.2 step 10). */
export function parseJsonObject(bytes: Uint8Array, code: FormatErrorCode): JsonObject {
  const value = parseJson(bytes, code);
  if (!isJsonObject(value)) throw formatError(code, 'JSON value is not an object');
  return value;
}
