/**
 * Characters that must not reach a person's screen from text someone else wrote: a verifier's
 * `purpose`, a client's name, a free-text claim. Control characters (Cc: C0, DEL, C1 such as
 * U+0085 NEL and U+009B CSI), format characters (Cf: the bidirectional marks, embeddings,
 * overrides and isolates U+061C, U+200E/F, U+202A–E, U+2066–9, zero-width characters, the BOM),
 * line and paragraph separators (Zl, Zp), private-use (Co) and lone surrogates (Cs). With them
 * a text can reorder what the holder reads ("\u202E…"), break lines to forge a second field
 * ("\n\nverifier: 국세청") or hide characters.
 *
 * Written as a Unicode property class (ECMAScript `\p{…}` under the `u` flag, i.e. the
 * engine's own Unicode tables) rather than a list of code points, so it follows the Unicode
 * version of the runtime. The same class is the `pattern` of the `Purpose` API schema
 * (schemas/api/purpose.json); a test keeps the two equal.
 */
export const UNSAFE_TEXT_CLASS = '\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Co}\\p{Cs}';

/** A JSON Schema `pattern` (ajv compiles patterns with the `u` flag) accepting only safe text. */
export const SAFE_TEXT_PATTERN = `^[^${UNSAFE_TEXT_CLASS}]*$`;

const UNSAFE = new RegExp(`[${UNSAFE_TEXT_CLASS}]`, 'u');

export const hasUnsafeCharacters = (text: string): boolean => UNSAFE.test(text);
