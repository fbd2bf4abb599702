/**
 * Issues a W3C VC Data Model 2.0 credential secured with JOSE (VC-JOSE-COSE §3.1.1): the JWS
 * payload IS the unsecured credential, the header says `typ: vc+jwt`, no `vc` claim.
 *
 * JWT claims we add (VC-JOSE-COSE §3.1.3 lets registered claims sit beside the credential, and
 * says `iat` / `exp` describe the *signature*, not the data):
 * - `iat`: when we signed, from the injected clock;
 * - `exp`: `validUntil` in seconds, when there is a `validUntil`, so that plain JWT libraries also
 *   stop accepting the token once the data expires; it never conflicts with `validUntil`;
 * - no `nbf` (NOT RECOMMENDED by §3.1.3), no `iss` / `sub` / `jti` copies of `issuer` /
 *   `credentialSubject.id` / `id` (they would only add ways to disagree, §3.1.3, §4.1.2);
 * - `status`, the IETF Token Status List claim, next to `credentialStatus` (see
 *   `build-token-status-list-entry.ts`).
 */
import { epochSeconds, type Clock } from '../clock.js';
import type { Signer } from '../jose/signer.js';
import { signCompactJws } from '../jose/sign-compact-jws.js';
import type { JsonObject } from '../jose/types.js';
import { buildStatusClaim, type StatusListReference } from '../status-list/status-list-reference.js';
import { buildTokenStatusListEntry } from './build-token-status-list-entry.js';
import { checkVcDataModel } from './check-vc-data-model.js';
import { formatDateTimeStamp, parseDateTimeStamp } from './parse-date-time-stamp.js';
import { statusFormatError } from '../status-list/error-codes.js';
import { VC_JWT_TYP, VC_V2_CONTEXT, VERIFIABLE_CREDENTIAL_TYPE, type VcIssuer, type VerifiableCredential } from './vc-jwt-types.js';

export interface IssueVcJwtInput {
  issuer: VcIssuer;
  id?: string;
  /** Credential types; `VerifiableCredential` is put first if missing. */
  types: string[];
  /** Contexts after the v2 context (VCDM 2.0 §4.3). */
  contexts?: (string | Record<string, unknown>)[];
  validFrom: Date | string;
  validUntil?: Date | string;
  credentialSubject: Record<string, unknown> | Record<string, unknown>[];
  /** The entry allocated for this credential in a Token Status List (same as its SD-JWT VC). */
  credentialStatus?: StatusListReference;
  signer: Signer;
  clock: Clock;
}

const toDateTimeStamp = (value: Date | string): string => {
  if (value instanceof Date) return formatDateTimeStamp(value);
  if (parseDateTimeStamp(value) === undefined) {
    throw statusFormatError('vc_jwt_bad_datetime', `${value} is not an XML Schema dateTimeStamp`);
  }
  return value;
};

/** The claims set to sign; checked with the same rules `parseVcJwt` applies. */
export const buildVcJwtPayload = (input: Omit<IssueVcJwtInput, 'signer'>): VerifiableCredential => {
  const types = input.types.includes(VERIFIABLE_CREDENTIAL_TYPE) ? input.types : [VERIFIABLE_CREDENTIAL_TYPE, ...input.types];
  const validUntil = input.validUntil === undefined ? undefined : toDateTimeStamp(input.validUntil);
  const vc: VerifiableCredential = {
    '@context': [VC_V2_CONTEXT, ...(input.contexts ?? []).filter((c) => c !== VC_V2_CONTEXT)],
    ...(input.id !== undefined && { id: input.id }),
    type: [...types],
    issuer: input.issuer,
    validFrom: toDateTimeStamp(input.validFrom),
    ...(validUntil !== undefined && { validUntil }),
    credentialSubject: input.credentialSubject,
    ...(input.credentialStatus !== undefined && {
      credentialStatus: buildTokenStatusListEntry(input.credentialStatus),
      status: buildStatusClaim(input.credentialStatus),
    }),
    iat: epochSeconds(input.clock),
    ...(validUntil !== undefined && { exp: Math.floor(parseDateTimeStamp(validUntil)! / 1000) }),
  };
  checkVcDataModel(vc);
  return vc;
};

export const issueVcJwt = async (input: IssueVcJwtInput): Promise<string> =>
  signCompactJws({ typ: VC_JWT_TYP }, buildVcJwtPayload(input) as JsonObject, input.signer);
