/**
 * Nesting depth of JSON text, measured before anything is built from it.
 *
 * Why by hand: neither `JSON.parse` nor secure-json-parse (nor any maintained parser we found)
 * takes a depth limit, and a 10,000-deep body parses fine but then overflows the stack of the
 * recursive code that walks it (schema validation, serialisation), or costs seconds on the way.
 * This is one linear pass over the text that knows only strings (brackets inside them do not
 * count) and brackets, and stops at the first bracket past the bound: a hostile body costs one
 * cheap scan of its first few bytes, never a parse. `JSON.parse` stays the syntax check.
 */

/** Deepest nesting a request body may have; our deepest real bodies (DCQL queries) use about 8. */
export const MAX_BODY_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when `text` opens more than `max` arrays or objects inside each other (outside strings). */
export function exceedsJsonDepth(text: string, max: number = MAX_BODY_DEPTH): boolean {
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
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
