/**
 * Claims path pointers written as one dotted name, for people and for command lines: members
 * joined by dots, `[]` for every element, `[n]` for element n.
 *   ['address', 'locality']                          ↔ address.locality
 *   ['nationalities', 1]                             ↔ nationalities[1]
 *   ['driving_privileges', null, 'vehicle_category_code'] ↔ driving_privileges[].vehicle_category_code
 * Receipts, the wallets' consent lists and `dproof wallet … --disclose` use this form. Member
 * names holding `.`, `[` or `]` have no dotted name; use the pointer array for those.
 */
import { isClaimPathPointer, type ClaimPathComponent, type ClaimPathPointer } from './claim-path-pointer.js';

/** The dotted name of a pointer (`[n]` kept, so the name says exactly which element). */
export function toClaimPathName(p: readonly ClaimPathComponent[]): string {
  let out = '';
  for (const c of p) {
    if (c === null) out += '[]';
    else if (typeof c === 'number') out += `[${c}]`;
    else out += out === '' ? c : `.${c}`;
  }
  return out;
}

/**
 * The catalogue's name for what a pointer reaches (indexes written as `[]`): the key of a
 * type's claim labels, which name a claim of every element, not of one.
 */
export const toCatalogClaimName = (p: readonly ClaimPathComponent[]): string =>
  toClaimPathName(p.map((c) => (typeof c === 'number' ? null : c)));

const SEGMENT = /^([^.[\]]+)((?:\[\d*\])*)$/;
const BRACKETS = /\[(\d*)\]/g;

/** `driving_privileges[0].vehicle_category_code` → pointer; undefined when it is not a dotted name. */
export function parseClaimPathName(name: string): ClaimPathPointer | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  const out: ClaimPathPointer = [];
  for (const part of name.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m) return undefined;
    out.push(m[1]!);
    for (const [, digits] of m[2]!.matchAll(BRACKETS)) {
      if (digits === '') out.push(null);
      else if (/^(0|[1-9]\d{0,8})$/.test(digits!)) out.push(Number(digits));
      else return undefined; // leading zeros or absurd indexes are typos, not elements
    }
  }
  return isClaimPathPointer(out) ? out : undefined;
}
