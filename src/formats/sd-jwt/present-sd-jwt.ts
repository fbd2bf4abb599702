/**
 * Holder side (RFC 9901 §7.2): choose the Disclosures a verifier gets for a list of claims.
 *
 * Claims are OpenID4VP claims path pointers (§7) or their dotted names (`address.street_address`,
 * `driving_privileges[]`, `nationalities[1]`); the shared claim-path module picks the Disclosures:
 * naming a claim discloses it and everything beneath it, and each parent it is hidden in (§4.2.6);
 * an index discloses that element only. Claims the credential lacks are skipped. Disclosures keep
 * their issued order.
 */
import { isClaimPathPointer, type ClaimPathPointer } from '../claim-path/claim-path-pointer.js';
import { parseClaimPathName } from '../claim-path/claim-path-name.js';
import { selectDisclosures } from '../claim-path/select-disclosures.js';
import { formatError } from '../error-codes.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import { indexDisclosures } from './decode-disclosure.js';
import { parseSdJwt } from './parse-sd-jwt.js';
import { processIndexedDisclosures } from './process-disclosures.js';

export interface PresentOptions {
  disclose: readonly (string | ClaimPathPointer)[];
}

/** A dotted claim name or a pointer, checked; a bad one is the caller's mistake, not a missing claim. */
export function toClaimPointer(claim: string | ClaimPathPointer): ClaimPathPointer {
  const pointer = typeof claim === 'string' ? parseClaimPathName(claim) : claim;
  if (!isClaimPathPointer(pointer)) throw formatError('sd_jwt_invalid_path', `bad claim path ${JSON.stringify(claim).slice(0, 200)}`);
  return pointer;
}

/** Returns `<JWT>~<selected Disclosures>~`; add a KB-JWT with `createKbJwt` when required. */
export function presentSdJwt(sdJwt: string, options: PresentOptions): string {
  const pointers = options.disclose.map(toClaimPointer);
  const parts = parseSdJwt(sdJwt);
  // §7.2: the issuer hands out an SD-JWT; a holder rejects an SD-JWT+KB.
  if (parts.kbJwt !== undefined) throw formatError('sd_jwt_unexpected_kb', 'a holder receives an SD-JWT, not an SD-JWT+KB');
  const { payload } = parseCompactJws(parts.jwt);
  const index = indexDisclosures(parts.disclosures);
  // §7.2 step 1: the SD-JWT must process cleanly (its signature was checked when it was received).
  processIndexedDisclosures(payload, index);
  const { disclosures } = selectDisclosures(payload, index, pointers);
  return `${parts.jwt}~${parts.disclosures
    .filter((d) => disclosures.has(d))
    .map((d) => `${d}~`)
    .join('')}`;
}
