/**
 * Turns a verified issuer payload plus its Disclosures, indexed by digest, into the Processed
 * SD-JWT Payload (RFC 9901 §7.1 step 3), enforcing every rejection rule of steps 3–5 on the way.
 * Pure (no hashing here): the server indexes with node:crypto (process-disclosures.ts), the
 * browser wallet with crypto.subtle, and both apply the Disclosures with this one module.
 */
import { formatError } from '../error-codes.js';
import { hasOwn, isJsonObject, setOwn, type JsonObject, type JsonValue } from '../jose/types.js';
import { checkSdAlg } from './sd-alg.js';

/** Where a disclosed claim ended up: member names, and indexes into the processed arrays. */
export type ClaimPath = (string | number)[];

export interface ProcessedSdJwt {
  claims: JsonObject;
  /** Every claim that came from a Disclosure, parents before children. */
  disclosedPaths: ClaimPath[];
}

/** Payload depth (≤ 64) plus nesting through Disclosures; beyond this is an attack. */
const MAX_DEPTH = 128;

/** RFC 9901 §4.2.1: names a Disclosure may never carry (`_sd_alg` would smuggle in a hash choice). */
const RESERVED_NAMES = new Set(['_sd', '...', '_sd_alg']);

/** What applying needs of a Disclosure: its name (absent for an array element) and its value. */
export interface AppliedDisclosure {
  name?: string | undefined;
  value: JsonValue;
}

interface State {
  index: ReadonlyMap<string, AppliedDisclosure>;
  seenDigests: Set<string>;
  used: Set<string>;
  disclosedPaths: ClaimPath[];
}

export function processIndexedDisclosures(payload: JsonObject, index: ReadonlyMap<string, AppliedDisclosure>): ProcessedSdJwt {
  checkSdAlg(payload);
  const state: State = { index, seenDigests: new Set(), used: new Set(), disclosedPaths: [] };
  const claims = processObject(payload, [], state, 0, true);
  // §7.1 step 5: every Disclosure must be referenced, directly or through another Disclosure.
  if (state.used.size !== index.size) throw formatError('sd_jwt_unreferenced_disclosure', 'a disclosure is not referenced by any digest');
  return { claims, disclosedPaths: state.disclosedPaths };
}

/** §7.1 step 4 / §4.1: a digest may appear only once in the whole (processed) SD-JWT. */
function takeDigest(digest: string, state: State): AppliedDisclosure | undefined {
  if (state.seenDigests.has(digest)) throw formatError('sd_jwt_duplicate_digest', 'a digest appears more than once');
  state.seenDigests.add(digest);
  const d = state.index.get(digest);
  if (d) state.used.add(digest);
  return d; // §7.1 step 3.3.1: no matching Disclosure ⇒ decoy or undisclosed, ignored
}

function processValue(value: JsonValue, path: ClaimPath, state: State, depth: number): JsonValue {
  if (Array.isArray(value)) return processArray(value, path, state, depth);
  if (isJsonObject(value)) return processObject(value, path, state, depth, false);
  return value;
}

function processObject(obj: JsonObject, path: ClaimPath, state: State, depth: number, top: boolean): JsonObject {
  if (depth > MAX_DEPTH) throw formatError('sd_jwt_too_deep', 'SD-JWT nested too deeply');
  const out: JsonObject = {};
  for (const name of Object.keys(obj)) {
    if (name === '_sd') continue; // §7.1 step 3.5: removed from the output
    if (name === '_sd_alg') {
      // §4.1.1: `_sd_alg` only at the top level; §7.1 step 3.6 removes it there.
      if (top) continue;
      throw formatError('sd_jwt_bad_sd_alg', '_sd_alg inside a nested object');
    }
    // §4.1 rule 7: `...` only as the single key of an array element digest object.
    if (name === '...') throw formatError('sd_jwt_invalid_array_digest', '"..." used outside an array element');
    setOwn(out, name, processValue(obj[name]!, [...path, name], state, depth + 1));
  }
  if (!hasOwn(obj, '_sd')) return out;
  const sd = obj._sd;
  // §4.2.4.1: `_sd` MUST be an array of strings.
  if (!Array.isArray(sd) || !sd.every((x) => typeof x === 'string')) {
    throw formatError('sd_jwt_invalid_sd_array', '_sd is not an array of strings');
  }
  for (const digest of sd as string[]) {
    const d = takeDigest(digest, state);
    if (!d) continue;
    // §7.1 step 3.3.2.1: a digest in `_sd` needs a 3-element (salt, name, value) Disclosure.
    if (d.name === undefined) throw formatError('sd_jwt_disclosure_wrong_shape', 'array-element disclosure referenced from _sd');
    // §7.1 step 3.3.2.2: the names `_sd` and `...` (and `_sd_alg`) are never disclosed.
    if (RESERVED_NAMES.has(d.name)) throw formatError('sd_jwt_reserved_claim_name', `disclosed claim name ${d.name} is reserved`);
    // §7.1 step 3.3.2.3: a disclosed name must not already exist at this level.
    if (hasOwn(out, d.name)) throw formatError('sd_jwt_claim_collision', 'disclosed claim name already exists');
    const childPath = [...path, d.name];
    state.disclosedPaths.push(childPath);
    setOwn(out, d.name, processValue(d.value, childPath, state, depth + 1)); // step 3.3.2.4–5
  }
  return out;
}

function processArray(arr: JsonValue[], path: ClaimPath, state: State, depth: number): JsonValue[] {
  if (depth > MAX_DEPTH) throw formatError('sd_jwt_too_deep', 'SD-JWT nested too deeply');
  const out: JsonValue[] = [];
  for (const element of arr) {
    if (!isJsonObject(element) || !hasOwn(element, '...')) {
      out.push(processValue(element, [...path, out.length], state, depth + 1));
      continue;
    }
    // §4.2.4.2: `{"...": "<digest>"}` with no other keys.
    const digest = element['...'];
    if (typeof digest !== 'string' || Object.keys(element).length !== 1) {
      throw formatError('sd_jwt_invalid_array_digest', 'array digest object is not {"...": "<digest>"}');
    }
    const d = takeDigest(digest, state);
    if (!d) continue; // §7.1 step 3.4: undisclosed elements are removed
    // §7.1 step 3.3.3.1: an array element needs a 2-element (salt, value) Disclosure.
    if (d.name !== undefined) throw formatError('sd_jwt_disclosure_wrong_shape', 'object-property disclosure referenced from an array');
    const childPath = [...path, out.length];
    state.disclosedPaths.push(childPath);
    out.push(processValue(d.value, childPath, state, depth + 1)); // step 3.3.3.2–3
  }
  return out;
}
