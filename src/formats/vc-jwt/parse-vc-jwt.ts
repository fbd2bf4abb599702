/**
 * Parses a `vc+jwt` and checks its structure (VC-JOSE-COSE §3.1.1, VCDM 2.0 §4). It does NOT
 * verify the signature (the caller does, with the issuer's key, over `signingInput`) nor compare
 * `validFrom` / `validUntil` / `exp` with the current time, nor fetch the status list.
 */
import { FormatError } from '../format-error.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import type { ParsedJws } from '../jose/types.js';
import { statusFormatError } from '../status-list/error-codes.js';
import type { StatusListReference } from '../status-list/status-list-reference.js';
import { checkVcDataModel } from './check-vc-data-model.js';
import { readVcStatusReference } from './read-vc-status-reference.js';
import { VC_JWT_MEDIA_TYPE, VC_JWT_TYP, type VerifiableCredential } from './vc-jwt-types.js';

export interface ParsedVcJwt {
  header: Record<string, unknown>;
  /** The claims set, i.e. the credential (plus `iat` / `exp` / `status` when present). */
  credential: VerifiableCredential;
  /** The Token Status List entry, when the credential has one. */
  statusReference: StatusListReference | undefined;
  signingInput: string;
  signature: Uint8Array;
}

/**
 * RFC 7515 §7.1 through the one JWS parser (strict base64url and JSON, no duplicate members, no
 * `crit`, no `b64: false`); a token that is not a compact JWS of JSON objects is `vc_jwt_malformed`.
 */
const parseJws = (token: unknown): ParsedJws => {
  try {
    return parseCompactJws(token as string);
  } catch (e) {
    if (e instanceof FormatError && e.code === 'jws_malformed') throw statusFormatError('vc_jwt_malformed', e.message);
    throw e;
  }
};

export const parseVcJwt = (token: unknown): ParsedVcJwt => {
  const { header, payload, signature, compact } = parseJws(token);
  const signingInput = compact.slice(0, compact.lastIndexOf('.'));
  // RFC 7515 §4.1.1: `alg` is required; RFC 8725 §3.1: never accept `none`.
  if (typeof header['alg'] !== 'string' || header['alg'] === 'none') {
    throw statusFormatError('vc_jwt_bad_alg', 'alg must name a signature algorithm');
  }
  // VC-JOSE-COSE §3.1.1: `typ` is `vc+jwt`; RFC 7515 §4.1.9: the `application/` prefix may be
  // present and media types compare case-insensitively.
  const typ = typeof header['typ'] === 'string' ? header['typ'].toLowerCase() : undefined;
  if (typ !== VC_JWT_TYP && typ !== VC_JWT_MEDIA_TYPE) {
    throw statusFormatError('vc_jwt_bad_typ', `typ must be ${VC_JWT_TYP}`);
  }
  checkVcDataModel(payload);
  const statusReference = readVcStatusReference(payload);
  return { header, credential: payload as VerifiableCredential, statusReference, signingInput, signature };
};
