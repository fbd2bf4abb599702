/**
 * How a VC-JWT points at its entry in an IETF Token Status List.
 *
 * Neither W3C nor the IETF defines a `credentialStatus` type for the Token Status List: W3C's
 * BitstringStatusListEntry names a different list format (GZIP, most-significant-bit first,
 * multibase) inside a status list *credential*, so reusing it would send W3C verifiers to decode a
 * `statuslist+jwt` wrongly. We therefore write the reference twice, from one `StatusListReference`,
 * so both always name the same bits that the SD-JWT VC uses:
 *
 * 1. the `status` JWT claim of draft-ietf-oauth-status-list §6.2. It is registered in the IANA
 *    "JSON Web Token Claims" registry (§14.1), and VC-JOSE-COSE §3.1.3 says registered claims in a
 *    `vc+jwt` are interpreted by their specification, so IETF-aware verifiers (and our own SD-JWT VC
 *    status check) read it unchanged;
 * 2. a VCDM 2.0 §4.10 `credentialStatus` of type `TokenStatusListEntry`, the name several wallets
 *    and issuers already use for this purpose (Procivis One, walt.id, others), with the property
 *    names of BitstringStatusListEntry: `statusListIndex` (base-10 string) and
 *    `statusListCredential` (the Status List Token URI), `id` = `<uri>#<idx>`. No `statusPurpose`:
 *    one IETF entry carries VALID / INVALID / SUSPENDED at once (§7).
 *
 * The type is not defined by the v2 `@context`, so JSON-LD processors map it through the v2
 * context's `@vocab` (issuer-dependent terms); the JOSE signature covers it either way.
 */
import { statusFormatError } from '../status-list/error-codes.js';
import { checkStatusListReference, type StatusListReference } from '../status-list/status-list-reference.js';
import type { TokenStatusListEntry } from './vc-jwt-types.js';

export const TOKEN_STATUS_LIST_ENTRY_TYPE = 'TokenStatusListEntry';

export const buildTokenStatusListEntry = (ref: StatusListReference): TokenStatusListEntry => {
  const { idx, uri } = checkStatusListReference(ref);
  return {
    id: `${uri}#${idx}`,
    type: TOKEN_STATUS_LIST_ENTRY_TYPE,
    statusListIndex: String(idx),
    statusListCredential: uri,
  };
};

/** Reads a `TokenStatusListEntry` back into `{ idx, uri }`, refusing anything ambiguous. */
export const readTokenStatusListEntry = (entry: Record<string, unknown>): StatusListReference => {
  const { statusListIndex, statusListCredential, id } = entry;
  // Same rule as BitstringStatusListEntry: a base-10 string of a non-negative integer.
  if (typeof statusListIndex !== 'string' || !/^(0|[1-9][0-9]*)$/.test(statusListIndex)) {
    throw statusFormatError('vc_jwt_bad_status', 'statusListIndex must be a base-10 integer string');
  }
  const idx = Number(statusListIndex);
  if (typeof statusListCredential !== 'string' || !Number.isSafeInteger(idx) || !URL.canParse(statusListCredential)) {
    throw statusFormatError('vc_jwt_bad_status', 'statusListCredential must be a URI and the index an integer');
  }
  // VCDM 2.0 §4.10: `id`, when present, is a URL (others use `urn:uuid:`, so no further shape).
  if (id !== undefined && (typeof id !== 'string' || !URL.canParse(id))) {
    throw statusFormatError('vc_jwt_bad_status', 'credentialStatus.id must be a URL');
  }
  return { idx, uri: statusListCredential };
};
