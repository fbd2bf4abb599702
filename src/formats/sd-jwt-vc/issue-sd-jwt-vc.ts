/**
 * Issues an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §2.2): an SD-JWT with `typ: dc+sd-jwt`, the
 * registered claims kept plain, and the holder key in `cnf.jwk`.
 */
import type { JWK } from 'jose';
import type { RandomSource } from '../clock.js';
import type { Signer } from '../jose/signer.js';
import { formatError } from '../error-codes.js';
import { setOwn, type JsonObject } from '../jose/types.js';
import { issueSdJwt, type IssuedSdJwt } from '../sd-jwt/issue-sd-jwt.js';
import { parseClaimPath } from '../sd-jwt/parse-claim-path.js';
import { checkHolderJwk, checkStatusClaim } from './check-sd-jwt-vc.js';
import { ISSUER_PLAIN_CLAIMS, ISSUER_SET_CLAIMS, SD_JWT_VC_TYP } from './constants.js';

export interface StatusListReference {
  status_list: { idx: number; uri: string };
}

export interface IssueSdJwtVcInput {
  iss: string;
  vct: string;
  /** NumericDates, seconds since the epoch. */
  iat: number;
  exp: number;
  nbf?: number;
  /** The holder's public key; makes the credential key-bound (`cnf.jwk`, RFC 7800 §3.2). */
  cnfJwk?: JWK;
  status?: StatusListReference;
  /** The subject's claims; must not repeat iss, iat, nbf, exp, vct, cnf or status. */
  claims: JsonObject;
  disclosable: readonly string[];
  padTo?: Readonly<Record<string, number>>;
  signer: Signer;
  random?: RandomSource;
}

function checkNumericDate(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw formatError('jwt_time_claim_invalid', `${name} is not a number`);
}

// Lists already checked: the catalogue hands every credential of a type the same frozen list,
// and parsing its paths again was 8% of a batch's allocation (heap sampling of the flow bench).
const checkedLists = new WeakSet<readonly string[]>();

function checkDisclosable(disclosable: readonly string[]): void {
  if (checkedLists.has(disclosable)) return;
  for (const path of disclosable) {
    const top = parseClaimPath(path)[0];
    // §2.2.2.3: registered validity/binding/type claims (and their sub-claims) stay plain.
    if (typeof top === 'string' && ISSUER_PLAIN_CLAIMS.has(top)) {
      throw formatError('sd_jwt_vc_claim_not_disclosable', `${top} can never be selectively disclosable`);
    }
  }
  if (Object.isFrozen(disclosable)) checkedLists.add(disclosable);
}

export async function issueSdJwtVc(input: IssueSdJwtVcInput): Promise<IssuedSdJwt> {
  for (const name of Object.keys(input.claims)) {
    if (ISSUER_SET_CLAIMS.has(name)) throw formatError('sd_jwt_vc_reserved_claim', `${name} is set by the issuer, not a claim`);
  }
  checkDisclosable(input.disclosable);
  checkNumericDate('iat', input.iat);
  checkNumericDate('exp', input.exp);
  if (input.nbf !== undefined) checkNumericDate('nbf', input.nbf);
  if (input.cnfJwk !== undefined) checkHolderJwk(input.cnfJwk, { torsionFree: true });
  if (input.status !== undefined) checkStatusClaim(input.status);
  if (typeof input.iss !== 'string' || input.iss === '') throw formatError('sd_jwt_vc_iss_missing', 'iss is required');
  if (typeof input.vct !== 'string' || input.vct === '') throw formatError('sd_jwt_vc_vct_missing', 'vct is required');

  const payload: JsonObject = { iss: input.iss, iat: input.iat };
  if (input.nbf !== undefined) payload.nbf = input.nbf;
  payload.exp = input.exp;
  payload.vct = input.vct;
  if (input.cnfJwk !== undefined) payload.cnf = { jwk: input.cnfJwk as JsonObject };
  if (input.status !== undefined)
    payload.status = { status_list: { idx: input.status.status_list.idx, uri: input.status.status_list.uri } };
  for (const [name, value] of Object.entries(input.claims)) setOwn(payload, name, value);

  return issueSdJwt({
    // HAIP 1.0 §6.1.1 / SD-JWT VC "Inline X.509 Certificates": a certified key's chain (leaf
    // first, no trust anchor) goes in the protected header beside `kid`.
    header: input.signer.x5c ? { typ: SD_JWT_VC_TYP, x5c: [...input.signer.x5c] } : { typ: SD_JWT_VC_TYP },
    payload,
    disclosable: input.disclosable,
    ...(input.padTo ? { padTo: input.padTo } : {}),
    signer: input.signer,
    ...(input.random ? { random: input.random } : {}),
  });
}
