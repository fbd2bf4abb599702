/**
 * Turns ajv errors into `{ pointer, message }` entries whose pointer (RFC 6901) names the bad
 * field itself: for a missing member or an extra member that is the member, not its parent.
 * Messages are ajv's, which never repeat the value (claim values are personal data), with a
 * Korean sentence of ours beside each (field-messages.ts).
 */
import type { ErrorObject } from './create-ajv.js';
import { fieldError, FIELD_MESSAGES, schemaErrorKo, type FieldError } from '../verdict/field-messages.js';

export type { FieldError };

/** RFC 6901 §3: `~` → `~0`, `/` → `~1`. */
export const escapePointerToken = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where a walk over claims is, kept as a chain and turned into a pointer only when one is reported. */
export interface PointerPath {
  readonly parent: PointerPath | undefined;
  readonly token: string | number;
}

export function pointerOf(path: PointerPath | undefined): string {
  let pointer = '';
  for (let p = path; p; p = p.parent) pointer = `/${typeof p.token === 'number' ? p.token : escapePointerToken(p.token)}${pointer}`;
  return pointer;
}

/** Keywords whose error only sums up more precise ones (the failing branch of an if or anyOf, the bad name of propertyNames). */
const SUMMARY_KEYWORDS = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'propertyNames']);

/** What to enter at a pointer, in both languages, where a value there is not in the expected form. */
export type HintAt = (pointer: string) => { readonly en: string; readonly ko: string } | undefined;

function describe(e: ErrorObject, hintAt?: HintAt): FieldError {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
    const { en, ko } = FIELD_MESSAGES.required;
    return fieldError(`${e.instancePath}/${escapePointerToken(params.missingProperty)}`, en, ko);
  }
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    const { en, ko } = FIELD_MESSAGES.notAllowedHere;
    return fieldError(`${e.instancePath}/${escapePointerToken(params.additionalProperty)}`, en, ko);
  }
  if (e.propertyName !== undefined) {
    // An error inside `propertyNames`: about the member's name, not its value.
    return fieldError(
      `${e.instancePath}/${escapePointerToken(e.propertyName)}`,
      `name ${e.message ?? 'is not allowed'}`,
      `항목 이름: ${schemaErrorKo(e)}`,
    );
  }
  const d = fieldError(e.instancePath, e.message ?? `fails ${e.keyword}`, schemaErrorKo(e));
  // "Not in the expected form" alone does not say which form: the claim's own description does,
  // as the console shows it beside the field.
  const hint = e.keyword === 'pattern' ? hintAt?.(e.instancePath) : undefined;
  return hint ? fieldError(d.pointer, `${d.message}: ${hint.en}`, `${d.ko} ${hint.ko}`) : d;
}

/**
 * Distinct field errors in ajv's order, at most `limit` of them (a hostile body with 10,000
 * extra members gets a short answer). Summary errors are dropped when a precise one exists.
 * `hintAt` adds what to enter to a value not in its pattern's form.
 */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined, limit = 20, hintAt?: HintAt): FieldError[] {
  const all = errors ?? [];
  const precise = all.filter((e) => !SUMMARY_KEYWORDS.has(e.keyword));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of precise.length > 0 ? precise : all) {
    const d = describe(e, hintAt);
    const key = `${d.pointer}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
    if (out.length === limit) break;
  }
  return out;
}
