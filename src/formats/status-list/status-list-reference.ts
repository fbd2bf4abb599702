/**
 * The `status` claim of a Referenced Token (draft-ietf-oauth-status-list §6.1, §6.2):
 * `{ "status": { "status_list": { "idx": 0, "uri": "https://example.com/statuslists/1" } } }`.
 *
 * The SD-JWT VC and the VC-JWT both carry this claim, built here from one `StatusListReference`,
 * so both formats point at the same bits of the same Status List Token.
 */
import { statusFormatError } from './error-codes.js';

export interface StatusListReference {
  /** Index of the token's entry in the list. */
  idx: number;
  /** URI of the Status List Token; equals that token's `sub`. */
  uri: string;
}

export interface StatusClaim {
  status_list: StatusListReference;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks `idx` / `uri` against §6.2 and returns a clean copy. */
export const checkStatusListReference = (ref: { idx: unknown; uri: unknown }): StatusListReference => {
  // §6.2: `idx` MUST be a non-negative integer.
  if (typeof ref.idx !== 'number' || !Number.isSafeInteger(ref.idx) || ref.idx < 0) {
    throw statusFormatError('status_reference_malformed', 'status_list.idx must be a non-negative integer');
  }
  // §6.2: `uri` MUST be a URI conforming to RFC 3986 (absolute: it is fetched, §8.1).
  if (typeof ref.uri !== 'string' || !URL.canParse(ref.uri)) {
    throw statusFormatError('status_reference_malformed', 'status_list.uri must be an absolute URI');
  }
  return { idx: ref.idx, uri: ref.uri };
};

/** The value of the `status` claim for a token at `ref`. */
export const buildStatusClaim = (ref: StatusListReference): StatusClaim => ({
  status_list: checkStatusListReference(ref),
});

/** Reads `status.status_list` from a referenced token's claims (§8.3 step 1). */
export const readStatusReference = (claims: Record<string, unknown>): StatusListReference => {
  const status = claims['status'];
  // §6.1: `status` is a JSON object holding at least one status mechanism.
  if (status === undefined) throw statusFormatError('status_reference_missing', 'the token has no status claim');
  if (!isObject(status)) throw statusFormatError('status_reference_malformed', 'status must be a JSON object');
  const statusList = status['status_list'];
  if (statusList === undefined) {
    throw statusFormatError('status_reference_missing', 'the status claim has no status_list mechanism');
  }
  if (!isObject(statusList)) {
    throw statusFormatError('status_reference_malformed', 'status.status_list must be a JSON object');
  }
  return checkStatusListReference({ idx: statusList['idx'], uri: statusList['uri'] });
};
