/**
 * Holder side (RFC 9901 §7.2): choose the Disclosures a verifier gets for a list of claim paths.
 *
 * Naming a claim discloses it and everything beneath it; naming a nested claim
 * (`address.street_address`) also discloses each parent it is hidden in (§4.2.6: a Disclosure
 * must connect to the issuer-signed JWT). Disclosures keep their issued order.
 */
import { formatError } from '../error-codes.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import { isJsonObject, type JsonValue } from '../jose/types.js';
import { indexDisclosures, type Disclosure } from './decode-disclosure.js';
import { buildPathTree, type PathNode } from './parse-claim-path.js';
import { parseSdJwt } from './parse-sd-jwt.js';
import { processIndexedDisclosures } from './process-disclosures.js';

export interface PresentOptions {
  disclose: readonly string[];
}

/** Returns `<JWT>~<selected Disclosures>~`; add a KB-JWT with `createKbJwt` when required. */
export function presentSdJwt(sdJwt: string, options: PresentOptions): string {
  const parts = parseSdJwt(sdJwt);
  // §7.2: the issuer hands out an SD-JWT; a holder rejects an SD-JWT+KB.
  if (parts.kbJwt !== undefined) throw formatError('sd_jwt_unexpected_kb', 'a holder receives an SD-JWT, not an SD-JWT+KB');
  const { payload } = parseCompactJws(parts.jwt);
  const index = indexDisclosures(parts.disclosures);
  // §7.2 step 1: the SD-JWT must process cleanly (its signature was checked when it was received).
  processIndexedDisclosures(payload, index);
  const chosen = new Set<string>();
  select(payload, buildPathTree(options.disclose), false, index, chosen);
  return `${parts.jwt}~${parts.disclosures.filter((d) => chosen.has(d)).map((d) => `${d}~`).join('')}`;
}

/** Walks the claims along the requested paths; `all` means the whole subtree was asked for. */
function select(value: JsonValue, node: PathNode | undefined, all: boolean, index: ReadonlyMap<string, Disclosure>, chosen: Set<string>): void {
  if (!node && !all) return;
  if (Array.isArray(value)) {
    const each = node?.elements;
    const eachAll = all || each?.selected === true;
    if (!each && !eachAll) return;
    for (const element of value) {
      const d = isJsonObject(element) && typeof element['...'] === 'string' ? index.get(element['...']) : undefined;
      if (d) chosen.add(d.encoded);
      select(d ? d.value : element, each, eachAll, index, chosen);
    }
    return;
  }
  if (!isJsonObject(value)) return;
  for (const [name, member] of Object.entries(value)) {
    if (name === '_sd' || name === '_sd_alg') continue;
    const child = node?.members.get(name);
    select(member, child, all || child?.selected === true, index, chosen);
  }
  if (!Array.isArray(value._sd)) return;
  for (const digest of value._sd) {
    const d = typeof digest === 'string' ? index.get(digest) : undefined;
    if (!d || d.name === undefined) continue; // decoy or undisclosed
    const child = node?.members.get(d.name);
    if (!all && !child) continue;
    chosen.add(d.encoded);
    select(d.value, child, all || child?.selected === true, index, chosen);
  }
}
