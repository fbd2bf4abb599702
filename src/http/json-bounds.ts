/**
 * The bounds of a request body's JSON, checked before anything is built from it (the scan is
 * json-shape.ts, shared with the token parser): how deep, how wide, and no member name twice in
 * one object (a body with `type` twice would read differently in a proxy or firewall that keeps the
 * first of the two; JSON.parse keeps the last).
 */
import { closingQuote, jsonShapeFault, type JsonShapeFault } from '../formats/jose/json-shape.js';

/** Deepest nesting a request body may have; our deepest real bodies (DCQL queries) use about 8. */
export const MAX_BODY_DEPTH = 32;
/** Most members of one object; the widest real one (a credential type's claims) has under 20. */
export const MAX_OBJECT_MEMBERS = 100;
/** Most items of one array (proofs, types, DCQL claims: tens at most). */
export const MAX_ARRAY_ITEMS = 1000;

export type JsonBoundFault = JsonShapeFault;

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

/** The first bound `text` breaks, or undefined. `maxDepth` counts nested arrays and objects. */
export function jsonBoundFault(text: string, maxDepth: number = MAX_BODY_DEPTH): JsonBoundFault | undefined {
  return jsonShapeFault(text, { maxDepth, maxMembers: MAX_OBJECT_MEMBERS, maxItems: MAX_ARRAY_ITEMS });
}
