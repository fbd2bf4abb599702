/**
 * The shape of JSON text — how deep, how wide — measured before anything is built from it.
 *
 * Why by hand: neither `JSON.parse` nor secure-json-parse (nor any maintained parser we found)
 * takes a depth or width limit. A 10,000-deep body parses, then overflows the stack of the
 * recursive code that walks it (schema validation, serialisation); a 100,000-member object takes
 * V8's `JSON.parse` over a second (objects past ~128 members leave its fast path), and its schema
 * errors another ten. This is one linear pass over the text that knows only strings (brackets
 * and commas inside them do not count), brackets and commas, and stops at the first bracket or
 * comma past a bound: a hostile body costs one cheap scan, never a parse. `JSON.parse` stays
 * the syntax check, so the scan may be lax about syntax.
 */

/** Deepest nesting a request body may have; our deepest real bodies (DCQL queries) use about 8. */
export const MAX_BODY_DEPTH = 32;
/** Most members of one object; the widest real one (a credential type's claims) has under 20. */
export const MAX_OBJECT_MEMBERS = 100;
/** Most items of one array (proofs, types, DCQL claims: tens at most). */
export const MAX_ARRAY_ITEMS = 1000;

export type JsonBoundFault = 'too_deep' | 'too_wide';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

/** The first bound `text` breaks, or undefined. `maxDepth` counts nested arrays and objects. */
export function jsonBoundFault(text: string, maxDepth: number = MAX_BODY_DEPTH): JsonBoundFault | undefined {
  // Commas seen in each open container, and the most it may hold there.
  const commas = new Int32Array(maxDepth + 1);
  const allowed = new Int32Array(maxDepth + 1);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: the next quote not escaped by a backslash closes it.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return 'too_deep';
      commas[depth] = 0;
      allowed[depth] = (c === OPEN_OBJECT ? MAX_OBJECT_MEMBERS : MAX_ARRAY_ITEMS) - 1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth > 0) depth--;
    } else if (c === 0x2c /* , */ && depth > 0) {
      if (++commas[depth]! > allowed[depth]!) return 'too_wide';
    }
  }
  return undefined;
}
