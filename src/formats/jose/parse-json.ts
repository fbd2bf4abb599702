/**
 * Strict JSON for security tokens: UTF-8 only, no duplicate member names (RFC 7515 §5.2 step 4 /
 * RFC 8725bis: a token whose header names `alg` twice is rejected, not read one way here and
 * another way elsewhere), bounded depth, and no number or string I-JSON refuses (json-values.ts). The shape is scanned first (json-shape.ts); only
 * then does `JSON.parse` (fast, native, and the real syntax check) build the value.
 */
import { formatError, type FormatErrorCode } from '../error-codes.js';
import { jsonShapeFault } from './json-shape.js';
import { escapesLoneSurrogate } from './json-values.js';
import { isJsonObject, type JsonObject, type JsonValue } from './types.js';

/** No token we handle nests this deep; deeper input is an attack or a bug. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const FAULT_MESSAGES = {
  too_deep: `JSON nested deeper than ${MAX_JSON_DEPTH}`,
  too_wide: 'JSON too wide',
  duplicate_name: 'duplicate JSON member name',
  forbidden_name: 'a JSON member named __proto__',
  unrepresentable_number: 'a JSON number out of range (it would read as Infinity or 0)',
} as const;

/** Parses JSON text strictly; every failure is `FormatError(code)`. */
export function parseJsonText(text: string, code: FormatErrorCode): JsonValue {
  try {
    const fault = jsonShapeFault(text, { maxDepth: MAX_JSON_DEPTH });
    if (fault) throw formatError(code, FAULT_MESSAGES[fault]);
    // I-JSON (RFC 7493 §2.1), as request bodies (json-values.ts).
    const value = JSON.parse(text) as JsonValue;
    if (escapesLoneSurrogate(text, value)) throw formatError(code, 'a JSON string escapes a lone surrogate (no character)');
    return value;
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
