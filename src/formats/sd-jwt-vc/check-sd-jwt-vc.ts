/**
 * The SD-JWT VC rules on top of RFC 9901, one small named check each, so a verification
 * pipeline can run them one by one and say which failed.
 */
import { formatError } from '../error-codes.js';
import { checkPublicJwk, type CheckPublicJwkOptions, type PublicJwk } from '../jose/check-public-jwk.js';
import { hasOwn, isJsonObject, type JsonObject } from '../jose/types.js';
import type { ClaimPath } from '../sd-jwt/process-disclosures.js';
import { NEVER_DISCLOSED_CLAIMS, SD_JWT_VC_TYP } from './constants.js';

/** SD-JWT VC §2.2.1 (JOSE Header): `typ` MUST be `dc+sd-jwt`, compared exactly. */
export function checkSdJwtVcTyp(header: JsonObject): void {
  if (header.typ !== SD_JWT_VC_TYP) throw formatError('sd_jwt_vc_bad_typ', `typ must be ${SD_JWT_VC_TYP}`);
}

/** SD-JWT VC §2.2.2.1, §2.2.2.3: `vct` is REQUIRED and a string. */
export function checkVct(payload: JsonObject): string {
  const vct = payload.vct;
  if (typeof vct !== 'string' || vct === '') throw formatError('sd_jwt_vc_vct_missing', 'vct missing or not a string');
  return vct;
}

/** SD-JWT VC §2.5 / RFC 9901 §7.1 step 2.3: the key must belong to the issuer, which we name by `iss`. */
export function checkIss(payload: JsonObject): string {
  const iss = payload.iss;
  if (typeof iss !== 'string' || iss === '') throw formatError('sd_jwt_vc_iss_missing', 'iss missing or not a string');
  return iss;
}

/** SD-JWT VC §2.2.2.3: `iss`, `nbf`, `exp`, `cnf`, `vct`, `status` (and below them) never come from a Disclosure. */
export function checkNeverDisclosed(disclosedPaths: readonly ClaimPath[]): void {
  for (const path of disclosedPaths) {
    const top = path[0];
    if (typeof top === 'string' && NEVER_DISCLOSED_CLAIMS.has(top)) {
      throw formatError('sd_jwt_vc_claim_not_disclosable', `${top} was delivered as a disclosure`);
    }
  }
}

/**
 * RFC 7800 §3.2 / SD-JWT VC §2.2.2.3: `cnf.jwk` as the holder key (its canonical public members);
 * absent when the VC has no key binding. A key nobody holds the private half of (a small-order
 * Ed25519 point, an off-curve P-256 point) binds nothing: checkPublicJwk refuses it
 * (`jws_key_invalid`) before its thumbprint is taken or a KB-JWT is checked with it.
 * `torsionFree` for credentials of other issuers, whose holder keys were never checked by us at
 * issuance (a mixed-order key there is refused as it would be at our issuance).
 */
export function readCnfJwk(claims: JsonObject, options: CheckPublicJwkOptions = {}): PublicJwk | undefined {
  if (!hasOwn(claims, 'cnf')) return undefined;
  const cnf = claims.cnf;
  if (!isJsonObject(cnf) || !isJsonObject(cnf.jwk)) throw formatError('sd_jwt_vc_cnf_invalid', 'cnf is not {"jwk": {...}}');
  return checkPublicJwk(cnf.jwk, options);
}

/**
 * A holder key: a public EC P-256 or Ed25519 JWK that someone must hold the private half of
 * (we verify its KB-JWTs). `torsionFree` where the key is bound at issuance (see checkPublicJwk).
 */
export function checkHolderJwk(jwk: unknown, options: CheckPublicJwkOptions = {}): PublicJwk {
  try {
    return checkPublicJwk(jwk, options);
  } catch (e) {
    throw formatError('sd_jwt_vc_cnf_invalid', `holder key refused: ${e instanceof Error ? e.message : 'not a public JWK'}`);
  }
}

/** Token Status List §6.2 (Referenced Token in JOSE): `status.status_list` = { idx: non-negative integer, uri: string }. */
export function checkStatusClaim(status: unknown): void {
  const list = isJsonObject(status) ? status.status_list : undefined;
  if (!isJsonObject(list) || !Number.isSafeInteger(list.idx) || (list.idx as number) < 0 || typeof list.uri !== 'string') {
    throw formatError('sd_jwt_vc_status_invalid', 'status must be {"status_list": {"idx": n, "uri": "..."}}');
  }
}
