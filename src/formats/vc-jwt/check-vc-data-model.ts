/**
 * Structural checks of a VC-JWT claims set, which is the credential itself (VC-JOSE-COSE §3.1.1).
 * One small check per rule, run in the order of `VC_DATA_MODEL_CHECKS`; each throws a
 * `FormatError` with a stable code. Signature and time-of-use checks happen elsewhere.
 */
import { statusFormatError } from '../status-list/error-codes.js';
import { parseDateTimeStamp } from './parse-date-time-stamp.js';
import { VC_V2_CONTEXT, VERIFIABLE_CREDENTIAL_TYPE } from './vc-jwt-types.js';

type Claims = Record<string, unknown>;
type Check = (vc: Claims) => void;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isUrl = (v: unknown): v is string => typeof v === 'string' && URL.canParse(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** VC-JOSE-COSE §3.1.3: the JWT claim names `vc` and `vp` MUST NOT be present. */
const checkNoLegacyClaims: Check = (vc) => {
  if ('vc' in vc || 'vp' in vc) throw statusFormatError('vc_jwt_legacy_claim', 'vc and vp claims are not allowed');
};

/** VCDM 2.0 §4.3: `@context` is an ordered set whose first item is the v2 context URL. */
const checkContext: Check = (vc) => {
  const context = vc['@context'];
  const items = asArray(context);
  if (context === undefined || items[0] !== VC_V2_CONTEXT) {
    throw statusFormatError('vc_jwt_bad_context', `@context must start with ${VC_V2_CONTEXT}`);
  }
  if (!items.every((item) => typeof item === 'string' || isObject(item))) {
    throw statusFormatError('vc_jwt_bad_context', '@context items must be URLs or objects');
  }
};

/** VCDM 2.0 §4.4: `id`, if present, is a single URL. */
const checkId: Check = (vc) => {
  if (vc['id'] !== undefined && !isUrl(vc['id'])) throw statusFormatError('vc_jwt_bad_id', 'id must be a URL');
};

/** VCDM 2.0 §4.5: `type` holds one or more terms and includes `VerifiableCredential`. */
const checkType: Check = (vc) => {
  const types = asArray(vc['type']);
  if (!types.every((t) => typeof t === 'string' && t.length > 0) || !types.includes(VERIFIABLE_CREDENTIAL_TYPE)) {
    throw statusFormatError('vc_jwt_bad_type', `type must be strings including ${VERIFIABLE_CREDENTIAL_TYPE}`);
  }
};

/** VCDM 2.0 §4.7: `issuer` is a URL or an object with a URL `id`; VC-JOSE-COSE §4.1.2: `iss` matches it. */
const checkIssuer: Check = (vc) => {
  const issuer = vc['issuer'];
  const issuerId = isObject(issuer) ? issuer['id'] : issuer;
  if (!isUrl(issuerId)) throw statusFormatError('vc_jwt_bad_issuer', 'issuer must be a URL or an object with a URL id');
  if (vc['iss'] !== undefined && vc['iss'] !== issuerId) {
    throw statusFormatError('vc_jwt_iss_mismatch', 'iss must match the issuer');
  }
};

/** VCDM 2.0 §4.8: `credentialSubject` is one or more objects, each the subject of claims. */
const checkCredentialSubject: Check = (vc) => {
  const subject = vc['credentialSubject'];
  const subjects = asArray(subject);
  if (subject === undefined || subjects.length === 0 || !subjects.every((s) => isObject(s) && Object.keys(s).length > 0)) {
    throw statusFormatError('vc_jwt_bad_subject', 'credentialSubject must be one or more non-empty objects');
  }
  for (const s of subjects as Claims[]) {
    if (s['id'] !== undefined && !isUrl(s['id'])) throw statusFormatError('vc_jwt_bad_subject', 'credentialSubject.id must be a URL');
  }
};

/** VCDM 2.0 §4.9: dateTimeStamp strings, and `validFrom` not later than `validUntil`. */
const checkValidityPeriod: Check = (vc) => {
  const [from, until] = [vc['validFrom'], vc['validUntil']];
  const fromMs = parseDateTimeStamp(from);
  const untilMs = parseDateTimeStamp(until);
  if ((from !== undefined && fromMs === undefined) || (until !== undefined && untilMs === undefined)) {
    throw statusFormatError('vc_jwt_bad_datetime', 'validFrom and validUntil must be XML Schema dateTimeStamp strings');
  }
  if (fromMs !== undefined && untilMs !== undefined && fromMs > untilMs) {
    throw statusFormatError('vc_jwt_bad_validity_period', 'validFrom is later than validUntil');
  }
};

/** RFC 7519 §4.1.4, §4.1.6: `exp` and `iat`, if present, are NumericDate values. */
const checkJwtTimes: Check = (vc) => {
  for (const name of ['iat', 'exp', 'nbf']) {
    const value = vc[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw statusFormatError('vc_jwt_bad_claim', `${name} must be a NumericDate`);
    }
  }
};

/** The checks in the order they run; the name is what a verification report would show. */
export const VC_DATA_MODEL_CHECKS: ReadonlyArray<readonly [name: string, check: Check]> = [
  ['no_legacy_claims', checkNoLegacyClaims],
  ['context', checkContext],
  ['id', checkId],
  ['type', checkType],
  ['issuer', checkIssuer],
  ['credential_subject', checkCredentialSubject],
  ['validity_period', checkValidityPeriod],
  ['jwt_times', checkJwtTimes],
];

export const checkVcDataModel = (vc: Claims): void => {
  for (const [, check] of VC_DATA_MODEL_CHECKS) check(vc);
};
