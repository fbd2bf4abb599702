/**
 * The verifier's view of what it asked for: a pruned copy of the presented claims holding ONLY
 * what the pointers select (SECURITY.md "Presentations": the wallet disclosed more than asked →
 * the result contains only what was asked), in the credential's own shape. A pointer whose
 * §7.1.1 processing fails selects nothing and is reported as missing.
 */
import { hasOwn, isJsonObject, setOwn, type JsonObject, type JsonValue } from '../jose/types.js';
import type { ClaimPathPointer } from './claim-path-pointer.js';
import { processClaimPath } from './process-claim-path.js';

const HOLE = Symbol('hole');
type Picked = JsonValue | typeof HOLE | Picked[] | { [k: string]: Picked };

/** The same walk as §7.1.1, keeping the path to each selected element; HOLE = nothing here. */
function pick(src: JsonValue, p: ClaimPathPointer, i: number): Picked {
  if (i === p.length) return src;
  const c = p[i];
  if (typeof c === 'string') {
    if (!isJsonObject(src) || !hasOwn(src, c)) return HOLE;
    const sub = pick(src[c]!, p, i + 1);
    return sub === HOLE ? HOLE : { [c]: sub };
  }
  if (!Array.isArray(src)) return HOLE;
  if (c === null) {
    const out = src.map((e) => pick(e, p, i + 1));
    return out.every((e) => e === HOLE) ? HOLE : out;
  }
  if (typeof c !== 'number' || c >= src.length) return HOLE;
  const out: Picked[] = src.map(() => HOLE);
  out[c] = pick(src[c]!, p, i + 1);
  return out[c] === HOLE ? HOLE : out;
}

const isPlain = (v: Picked): v is { [k: string]: Picked } => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(a: Picked, b: Picked): Picked {
  if (a === HOLE) return b;
  if (b === HOLE) return a;
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => merge(x, b[i] ?? HOLE));
  if (isPlain(a) && isPlain(b)) {
    const out: { [k: string]: Picked } = { ...a };
    // Defined, not assigned: a member named __proto__ stays a member (assignment sets the prototype).
    for (const [k, v] of Object.entries(b))
      Object.defineProperty(out, k, {
        value: hasOwn(out, k) ? merge(out[k]!, v) : v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return b;
}

/** Drops the holes: array elements nobody asked for disappear, as undisclosed ones do (RFC 9901 §7.1 step 3.4). */
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
  /** Pointers that selected nothing (§7.1.1: processing returned an error). */
  missing: ClaimPathPointer[];
}

/** The claims `pointers` select in `source`, and nothing else. */
export function selectClaims(source: JsonObject, pointers: readonly ClaimPathPointer[]): SelectedClaims {
  let acc: Picked = {};
  const missing: ClaimPathPointer[] = [];
  for (const p of pointers) {
    const got = processClaimPath(source, p).ok ? pick(source, p, 0) : HOLE;
    if (got === HOLE) missing.push(p);
    else acc = merge(acc, got);
  }
  return { claims: finish(acc) as JsonObject, missing };
}
