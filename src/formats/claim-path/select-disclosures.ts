/**
 * Holder side (RFC 9901 §7.2 step 2 with OpenID4VP 1.0 §7.1.1): which Disclosures of an SD-JWT
 * answer a list of claims path pointers. The pointer is processed over the claims as the holder
 * sees them (every Disclosure applied, undisclosed digests and decoys left out), and for each
 * selected claim we keep
 *   - the Disclosures it hangs from (its own and its parents', RFC 9901 §4.2.6), and
 *   - every Disclosure beneath it (naming a claim names all of it).
 * An index selects that one element: `['nationalities', 1]` discloses the second nationality
 * only, never the whole array. No hashing here: the caller indexes Disclosures by digest (Node
 * hashes synchronously, the browser through crypto.subtle), so this file runs in both.
 */
import { hasOwn, isJsonObject, type JsonObject, type JsonValue } from '../jose/types.js';
import { isClaimPathComponent, type ClaimPathComponent, type ClaimPathPointer } from './claim-path-pointer.js';

export interface IndexedDisclosure {
  /** The Disclosure as issued (base64url). */
  encoded: string;
  /** Claim name; undefined for an array element (2-element Disclosure). */
  name?: string | undefined;
  value: JsonValue;
}

/** Disclosures by their digest (RFC 9901 §4.2.3). */
export type DisclosureIndex = ReadonlyMap<string, IndexedDisclosure>;

export interface SelectedDisclosures {
  /** Encoded Disclosures to present; keep the issued order when joining them. */
  disclosures: Set<string>;
  /** Pointers that select nothing in this credential (§7.1.1 processing returned an error). */
  missing: ClaimPathPointer[];
}

/** A claim as the holder sees it: its value as signed (digests not yet resolved) and the Disclosures it hangs from. */
interface Reached {
  raw: JsonValue;
  via: readonly string[];
}

const digestOf = (element: JsonValue): string | undefined =>
  isJsonObject(element) && hasOwn(element, '...') && typeof element['...'] === 'string' ? element['...'] : undefined;

/** The elements of a signed array as the holder sees them: disclosed ones resolved, the rest left out (§7.1 step 3.4). */
function elements(arr: readonly JsonValue[], via: readonly string[], index: DisclosureIndex): Reached[] {
  const out: Reached[] = [];
  for (const element of arr) {
    const digest = digestOf(element);
    if (digest === undefined) {
      out.push({ raw: element, via });
      continue;
    }
    const d = index.get(digest);
    if (d && d.name === undefined) out.push({ raw: d.value, via: [...via, d.encoded] });
  }
  return out;
}

/** A member of a signed object: plain, or from a Disclosure its `_sd` references. */
function member(obj: JsonObject, name: string, via: readonly string[], index: DisclosureIndex): Reached | undefined {
  if (name === '_sd' || name === '_sd_alg') return undefined;
  if (hasOwn(obj, name)) return { raw: obj[name]!, via };
  for (const digest of Array.isArray(obj._sd) ? obj._sd : []) {
    const d = typeof digest === 'string' ? index.get(digest) : undefined;
    if (d && d.name === name) return { raw: d.value, via: [...via, d.encoded] };
  }
  return undefined;
}

/** One step of §7.1.1 step 2; undefined = abort with an error. */
function step(current: readonly Reached[], c: ClaimPathComponent, index: DisclosureIndex): Reached[] | undefined {
  if (!isClaimPathComponent(c)) return undefined; // step 2.4
  const next: Reached[] = [];
  for (const r of current) {
    if (typeof c === 'string') {
      if (!isJsonObject(r.raw)) return undefined;
      const m = member(r.raw, c, r.via, index);
      if (m) next.push(m);
    } else {
      if (!Array.isArray(r.raw)) return undefined;
      const els = elements(r.raw, r.via, index);
      if (c === null) next.push(...els);
      else if (c < els.length) next.push(els[c]!);
    }
  }
  return next;
}

/** Every Disclosure beneath a claim (its whole value). */
function addBeneath(value: JsonValue, index: DisclosureIndex, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const element of value) {
      const digest = digestOf(element);
      const d = digest === undefined ? undefined : index.get(digest);
      if (digest === undefined) addBeneath(element, index, out);
      else if (d && d.name === undefined && !out.has(d.encoded)) {
        out.add(d.encoded);
        addBeneath(d.value, index, out);
      }
    }
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [name, v] of Object.entries(value)) if (name !== '_sd' && name !== '_sd_alg') addBeneath(v, index, out);
  for (const digest of Array.isArray(value._sd) ? value._sd : []) {
    const d = typeof digest === 'string' ? index.get(digest) : undefined;
    if (d && d.name !== undefined && !out.has(d.encoded)) {
      out.add(d.encoded);
      addBeneath(d.value, index, out);
    }
  }
}

/** The Disclosures that present exactly the claims `pointers` select in the issuer-signed `payload`. */
export function selectDisclosures(payload: JsonObject, index: DisclosureIndex, pointers: readonly ClaimPathPointer[]): SelectedDisclosures {
  const disclosures = new Set<string>();
  const missing: ClaimPathPointer[] = [];
  for (const p of pointers) {
    let current: Reached[] | undefined = [{ raw: payload, via: [] }];
    for (const c of p) {
      current = step(current, c, index);
      if (!current) break;
    }
    if (!current || current.length === 0 || p.length === 0) {
      missing.push(p);
      continue;
    }
    for (const r of current) {
      for (const d of r.via) disclosures.add(d);
      addBeneath(r.raw, index, disclosures);
    }
  }
  return { disclosures, missing };
}
