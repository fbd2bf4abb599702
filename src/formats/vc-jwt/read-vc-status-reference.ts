/**
 * Finds the Token Status List entry of a VC-JWT, from its `credentialStatus` (VCDM 2.0 §4.10,
 * our `TokenStatusListEntry`) and / or its `status` JWT claim (draft-ietf-oauth-status-list §6.2).
 * When both are present they MUST name the same entry; see `build-token-status-list-entry.ts`.
 */
import { statusFormatError } from '../status-list/error-codes.js';
import { readStatusReference, type StatusListReference } from '../status-list/status-list-reference.js';
import { readTokenStatusListEntry, TOKEN_STATUS_LIST_ENTRY_TYPE } from './build-token-status-list-entry.js';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const fromCredentialStatus = (value: unknown): StatusListReference | undefined => {
  if (value === undefined) return undefined;
  const entries = Array.isArray(value) ? value : [value];
  // VCDM 2.0 §4.10: each entry is an object with a `type`; other status mechanisms are left alone.
  if (entries.length === 0 || !entries.every((e) => isObject(e) && typeof e['type'] === 'string')) {
    throw statusFormatError('vc_jwt_bad_status', 'credentialStatus entries must be objects with a type');
  }
  const ours = (entries as Record<string, unknown>[]).filter((e) => e['type'] === TOKEN_STATUS_LIST_ENTRY_TYPE);
  if (ours.length > 1) throw statusFormatError('vc_jwt_bad_status', 'more than one TokenStatusListEntry');
  return ours.length === 1 ? readTokenStatusListEntry(ours[0]!) : undefined;
};

const fromStatusClaim = (claims: Record<string, unknown>): StatusListReference | undefined => {
  const status = claims['status'];
  if (status === undefined) return undefined;
  // §6.1: other mechanisms may sit in `status`; only `status_list` is ours to read.
  if (isObject(status) && status['status_list'] === undefined) return undefined;
  return readStatusReference(claims);
};

/** The referenced list entry, or `undefined` when the credential carries no Token Status List. */
export const readVcStatusReference = (claims: Record<string, unknown>): StatusListReference | undefined => {
  const fromEntry = fromCredentialStatus(claims['credentialStatus']);
  const fromClaim = fromStatusClaim(claims);
  if (fromEntry !== undefined && fromClaim !== undefined && (fromEntry.idx !== fromClaim.idx || fromEntry.uri !== fromClaim.uri)) {
    throw statusFormatError('vc_jwt_status_mismatch', 'credentialStatus and the status claim name different entries');
  }
  return fromEntry ?? fromClaim;
};
