/**
 * Status List Token in JWT format (draft-ietf-oauth-status-list §5.1): build and sign on the
 * issuer side; on the verifier side check an already signature-verified header and payload
 * (§8.3 steps 3-6) and read one entry.
 */
import { epochSeconds, type Clock } from '../clock.js';
import type { Signer } from '../jose/signer.js';
import { signCompactJws } from '../jose/sign-compact-jws.js';
import type { JsonObject } from '../jose/types.js';
import { statusFormatError } from './error-codes.js';
import { StatusList, type DecodeStatusListOptions, type StatusListBits } from './status-list-codec.js';
import { checkStatusListReference } from './status-list-reference.js';

/** §5.1: the JWT `typ` header MUST be `statuslist+jwt`. */
export const STATUS_LIST_JWT_TYP = 'statuslist+jwt';
/** §8.1, §8.2: media type of a Status List Token in JWT format. */
export const STATUS_LIST_JWT_MEDIA_TYPE = 'application/statuslist+jwt';

export interface StatusListTokenPayload {
  sub: string;
  iat: number;
  exp?: number;
  ttl?: number;
  iss?: string;
  status_list: { bits: StatusListBits; lst: string; aggregation_uri?: string };
}

export interface BuildStatusListTokenInput {
  /** URI the token is served at; becomes `sub` (§5.1). */
  uri: string;
  list: StatusList;
  clock: Clock;
  /** Seconds from `iat` to `exp`; `exp` is RECOMMENDED (§5.1, §13.7). */
  expiresInSeconds?: number;
  /** Seconds a consumer may cache the token; RECOMMENDED, positive (§5.1, §13.7). */
  ttlSeconds?: number;
  iss?: string;
  aggregationUri?: string;
}

const isPositiveNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export const buildStatusListTokenPayload = (input: BuildStatusListTokenInput): StatusListTokenPayload => {
  const { uri } = checkStatusListReference({ idx: 0, uri: input.uri });
  const iat = epochSeconds(input.clock);
  if (input.expiresInSeconds !== undefined && !isPositiveNumber(input.expiresInSeconds)) {
    throw statusFormatError('status_list_token_bad_claim', 'expiresInSeconds must be a positive number');
  }
  // §5.1: `ttl` MUST be a positive number.
  if (input.ttlSeconds !== undefined && !isPositiveNumber(input.ttlSeconds)) {
    throw statusFormatError('status_list_token_bad_ttl', 'ttl must be a positive number');
  }
  return {
    sub: uri,
    iat,
    ...(input.expiresInSeconds !== undefined && { exp: iat + Math.ceil(input.expiresInSeconds) }),
    ...(input.ttlSeconds !== undefined && { ttl: input.ttlSeconds }),
    ...(input.iss !== undefined && { iss: input.iss }),
    status_list: {
      bits: input.list.bits,
      lst: input.list.encode(),
      ...(input.aggregationUri !== undefined && { aggregation_uri: input.aggregationUri }),
    },
  };
};

/**
 * Builds the payload and signs it as a compact JWS with `typ: statuslist+jwt` (§5.1 rule 2); a
 * certified signer's chain goes in `x5c` (HAIP 1.0 §7: the Status List Token carries it; §11.3:
 * the same `x5c` as the Referenced Token when the same key signs both).
 */
export const signStatusListToken = async (input: BuildStatusListTokenInput & { signer: Signer }): Promise<string> =>
  signStatusListPayload(buildStatusListTokenPayload(input), input.signer);

/** Signs a built payload as the JWT form; the CWT form of the same payload is status-list-cwt.ts's. */
export const signStatusListPayload = async (payload: StatusListTokenPayload, signer: Signer): Promise<string> =>
  signCompactJws(
    signer.x5c ? { typ: STATUS_LIST_JWT_TYP, x5c: [...signer.x5c] } : { typ: STATUS_LIST_JWT_TYP },
    { ...payload } as unknown as JsonObject,
    signer,
  );

export interface CheckStatusListTokenInput extends DecodeStatusListOptions {
  /** Protected header, after the signature was verified elsewhere. */
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The `uri` of the referenced token's `status.status_list`, i.e. where the token was fetched. */
  uri: string;
  clock: Clock;
  /** Leeway for `exp`, in seconds (default 0). */
  clockToleranceSeconds?: number;
}

export interface CheckedStatusListToken {
  list: StatusList;
  sub: string;
  iat: number;
  exp?: number;
  ttl?: number;
}

const numericClaim = (payload: Record<string, unknown>, name: string, required: boolean): number | undefined => {
  const value = payload[name];
  if (value === undefined) {
    if (required) throw statusFormatError('status_list_token_missing_claim', `the token has no ${name} claim`);
    return undefined;
  }
  // RFC 7519 §2: NumericDate is a JSON number.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw statusFormatError('status_list_token_bad_claim', `${name} must be a NumericDate`);
  }
  return value;
};

/** Runs the §8.3 checks on a verified token and returns the decoded list. */
export const checkStatusListToken = (input: CheckStatusListTokenInput): CheckedStatusListToken => {
  const { header, payload } = input;
  // §5.1: `typ` MUST be `statuslist+jwt` (compared exactly; RFC 8725 §3.11 explicit typing).
  if (header['typ'] !== STATUS_LIST_JWT_TYP) {
    throw statusFormatError('status_list_token_bad_typ', `typ must be ${STATUS_LIST_JWT_TYP}`);
  }
  // §5.1, §8.3 step 3b: `sub`, `iat` and `status_list` are REQUIRED.
  const sub = payload['sub'];
  if (sub === undefined) throw statusFormatError('status_list_token_missing_claim', 'the token has no sub claim');
  if (typeof sub !== 'string') throw statusFormatError('status_list_token_bad_claim', 'sub must be a string');
  // §8.3 step 4a: `sub` MUST equal the `uri` of the referenced token.
  if (sub !== input.uri) throw statusFormatError('status_list_token_sub_mismatch', 'sub differs from the status list uri');
  const iat = numericClaim(payload, 'iat', true)!;
  const exp = numericClaim(payload, 'exp', false);
  // §8.3 step 4c: if `exp` is present, the token MUST NOT be expired.
  if (exp !== undefined && epochSeconds(input.clock) >= exp + (input.clockToleranceSeconds ?? 0)) {
    throw statusFormatError('status_list_token_expired', 'the status list token has expired');
  }
  // §5.1: a token RFC 7519 would refuse is refused: `nbf`, when present, must have passed.
  const nbf = numericClaim(payload, 'nbf', false);
  if (nbf !== undefined && epochSeconds(input.clock) + (input.clockToleranceSeconds ?? 0) < nbf) {
    throw statusFormatError('status_list_token_not_yet_valid', 'the status list token is not valid yet (nbf)');
  }
  const ttl = payload['ttl'];
  // §5.1: `ttl`, if present, MUST be a positive number.
  if (ttl !== undefined && !isPositiveNumber(ttl)) {
    throw statusFormatError('status_list_token_bad_ttl', 'ttl must be a positive number');
  }
  const statusList = payload['status_list'];
  if (statusList === undefined) throw statusFormatError('status_list_token_missing_claim', 'the token has no status_list claim');
  if (statusList === null || typeof statusList !== 'object' || Array.isArray(statusList)) {
    throw statusFormatError('status_list_token_bad_claim', 'status_list must be a JSON object');
  }
  const { bits, lst } = statusList as Record<string, unknown>;
  // §4.2 and §8.3 step 5: `bits` allowed, `lst` decompressed strictly.
  const list = StatusList.decode(lst, bits, input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes });
  return { list, sub, iat, ...(exp !== undefined && { exp }), ...(ttl !== undefined && { ttl }) };
};

/** §8.3 step 6: an index outside the list MUST make the referenced token be rejected. */
export const readStatus = (list: StatusList, idx: unknown): number => {
  if (typeof idx !== 'number' || !Number.isSafeInteger(idx) || idx < 0 || idx >= list.size) {
    throw statusFormatError('status_index_out_of_range', `index ${String(idx)} is outside the status list`);
  }
  return list.get(idx);
};
