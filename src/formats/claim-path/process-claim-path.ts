/**
 * OpenID4VP 1.0 §7.1.1 "Processing" of a claims path pointer against a JSON-based credential,
 * exactly as written: strings select a key (non-objects abort, a missing key drops that element),
 * null selects every element (non-arrays abort), an integer selects one element (non-arrays
 * abort, a missing index drops that array); an empty selection at the end is an error.
 */
import { hasOwn, isJsonObject, type JsonValue } from '../jose/types.js';
import { isClaimPathComponent, type ClaimPathComponent } from './claim-path-pointer.js';

export type ClaimPathError =
  /** Step 2.1: a string component met something that is not an object. */
  | 'not_an_object'
  /** Steps 2.2 / 2.3: null or an index met something that is not an array. */
  | 'not_an_array'
  /** Step 2.4: a component that is none of string, null, non-negative integer. */
  | 'invalid_component'
  /** Step 3: nothing is left selected. */
  | 'nothing_selected';

export type ClaimPathResult = { ok: true; selected: JsonValue[] } | { ok: false; error: ClaimPathError };

/** One step of §7.1.1 step 2 over the current selection. */
export function stepClaimPath(current: readonly JsonValue[], c: ClaimPathComponent): ClaimPathResult {
  if (!isClaimPathComponent(c)) return { ok: false, error: 'invalid_component' };
  const next: JsonValue[] = [];
  for (const v of current) {
    if (typeof c === 'string') {
      if (!isJsonObject(v)) return { ok: false, error: 'not_an_object' };
      if (hasOwn(v, c)) next.push(v[c]!);
    } else {
      if (!Array.isArray(v)) return { ok: false, error: 'not_an_array' };
      if (c === null) next.push(...v);
      else if (c < v.length) next.push(v[c]!);
    }
  }
  return { ok: true, selected: next };
}

/** The claims `pointer` selects in `credential` (the top-level JSON object), or why none. */
export function processClaimPath(credential: JsonValue, pointer: readonly unknown[]): ClaimPathResult {
  if (pointer.length === 0) return { ok: false, error: 'invalid_component' }; // §7: non-empty
  let current: JsonValue[] = [credential];
  for (const c of pointer) {
    const r = stepClaimPath(current, c as ClaimPathComponent);
    if (!r.ok) return r;
    current = r.selected;
  }
  return current.length === 0 ? { ok: false, error: 'nothing_selected' } : { ok: true, selected: current };
}
