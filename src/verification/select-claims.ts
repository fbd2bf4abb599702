/**
 * Claims path pointers (OpenID4VP 1.0 §7, "Claims Path Pointer"): a non-empty array of strings
 * (member), null (every array element) and non-negative integers (one element). Used for what a
 * verifier asks for (DCQL `claims`, counter `policy.claims`) and to build a result that holds
 * ONLY those claims: anything else the wallet disclosed is dropped (SECURITY.md "Presentations").
 */
import { hasOwn, isJsonObject, setOwn, type JsonObject, type JsonValue } from '../formats/jose/types.js';

export type ClaimPathPointer = (string | number | null)[];

/** §7: a non-empty array of strings, nulls and non-negative integers. */
export function isClaimPathPointer(v: unknown): v is ClaimPathPointer {
  return (
    Array.isArray(v) && v.length > 0 && v.length <= 16 &&
    v.every((c) => c === null || (typeof c === 'string' && c.length > 0 && c.length <= 100) || (Number.isSafeInteger(c) && (c as number) >= 0))
  );
}

/** `a.b` for a dotted name list; the display form used in receipts (`[]` for null, `[n]` for an index). */
export function pointerToString(p: ClaimPathPointer): string {
  return p.map((c, i) => (c === null ? '[]' : typeof c === 'number' ? `[${c}]` : i === 0 ? c : `.${c}`)).join('').replace(/\]\./g, '].');
}

const HOLE = Symbol('hole');
type Picked = JsonValue | typeof HOLE | Picked[] | { [k: string]: Picked };

/** §7.1.1 processing, keeping the shape: a pruned copy of `src` with only what `p` selects; HOLE = nothing. */
function pick(src: JsonValue, p: ClaimPathPointer, i: number): Picked {
  if (i === p.length) return src;
  const c = p[i];
  if (typeof c === 'string') {
    // step 2.1: a member of an object; a non-object aborts (nothing selected here).
    if (!isJsonObject(src) || !hasOwn(src, c)) return HOLE;
    const sub = pick(src[c]!, p, i + 1);
    return sub === HOLE ? HOLE : { [c]: sub };
  }
  if (!Array.isArray(src)) return HOLE; // steps 2.2 / 2.3: an array is required
  if (c === null) {
    const out = src.map((e) => pick(e, p, i + 1));
    return out.every((e) => e === HOLE) ? HOLE : out;
  }
  if (typeof c !== 'number' || c >= src.length) return HOLE;
  const out: Picked[] = src.map(() => HOLE);
  out[c] = pick(src[c]!, p, i + 1);
  return out[c] === HOLE ? HOLE : out;
}

function merge(a: Picked, b: Picked): Picked {
  if (a === HOLE) return b;
  if (b === HOLE) return a;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => merge(x, b[i] ?? HOLE));
  if (isPlain(a) && isPlain(b)) {
    const out: { [k: string]: Picked } = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = hasOwn(out, k) ? merge(out[k]!, v) : v;
    return out;
  }
  return b;
}

const isPlain = (v: Picked): v is { [k: string]: Picked } => typeof v === 'object' && v !== null && !Array.isArray(v);

function finish(v: Picked): JsonValue {
  if (Array.isArray(v)) return v.filter((e) => e !== HOLE).map(finish);
  if (isPlain(v)) {
    const out: JsonObject = {};
    for (const [k, e] of Object.entries(v)) if (e !== HOLE) setOwn(out, k, finish(e));
    return out;
  }
  return v as JsonValue;
}

export interface SelectedClaims {
  claims: JsonObject;
  /** Pointers that selected nothing (§7.1.1 step 3: an error for that claim). */
  missing: ClaimPathPointer[];
}

/** The claims `pointers` select in `source`, and nothing else. */
export function selectClaims(source: JsonObject, pointers: readonly ClaimPathPointer[]): SelectedClaims {
  let acc: Picked = {};
  const missing: ClaimPathPointer[] = [];
  for (const p of pointers) {
    const got = pick(source, p, 0);
    if (got === HOLE) missing.push(p);
    else acc = merge(acc, got);
  }
  return { claims: finish(acc) as JsonObject, missing };
}

/** The values a pointer selects (for DCQL `values` matching, §6.3). */
export function valuesAt(source: JsonObject, p: ClaimPathPointer): JsonValue[] {
  let current: JsonValue[] = [source];
  for (const c of p) {
    const next: JsonValue[] = [];
    for (const v of current) {
      if (typeof c === 'string' && isJsonObject(v) && hasOwn(v, c)) next.push(v[c]!);
      else if (c === null && Array.isArray(v)) next.push(...v);
      else if (typeof c === 'number' && Array.isArray(v) && c < v.length) next.push(v[c]!);
    }
    current = next;
  }
  return current;
}
