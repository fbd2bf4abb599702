/**
 * W3C VC Data Model 2.0 secured with JOSE (`vc+jwt`, VC-JOSE-COSE §3.1.1) as a CredentialFormat:
 * a plain VC for receivers that want one. It discloses everything and carries no holder key.
 */
import type { CredentialFormat } from '../credential-format.js';
import { formatError } from '../error-codes.js';
import { checkTimeClaims } from '../jose/check-time-claims.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import { isJsonObject, type JsonObject, type ParsedJws } from '../jose/types.js';
import { checkAlgAllowed, verifyCompactJws } from '../jose/verify-compact-jws.js';
import { issueVcJwt } from './issue-vc-jwt.js';
import { parseDateTimeStamp } from './parse-date-time-stamp.js';
import { checkVcDataModel } from './check-vc-data-model.js';
import { readVcStatusReference } from './read-vc-status-reference.js';
import { VC_JWT_MEDIA_TYPE, VC_JWT_TYP, VERIFIABLE_CREDENTIAL_TYPE } from './vc-jwt-types.js';

export type ParsedVcJwtPresentation = ParsedJws;

/** OpenID4VCI §A.1.1: our VC-JWT configuration of a type is `<id>-vc-jwt`, published as `jwt_vc_json`. */
const CONFIGURATION_SUFFIX = '-vc-jwt';

/** The VC `type` term of a catalogue type: its id in PascalCase (`driver-license` → `DriverLicense`). */
export const vcTypeTermOf = (typeId: string): string =>
  typeId
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

const typesOf = (payload: JsonObject): unknown[] => ([] as unknown[]).concat(payload.type ?? []);

export const vcJwtFormat: CredentialFormat<ParsedVcJwtPresentation, 'vc+jwt'> = {
  id: VC_JWT_TYP,

  /** A bare compact JWS whose `typ` is `vc+jwt` (RFC 7515 §4.1.9: `application/` prefix allowed, any case). */
  parsePresentation(text) {
    if (text.includes('~')) return undefined;
    const jws = parseCompactJws(text);
    const typ = typeof jws.header.typ === 'string' ? jws.header.typ.toLowerCase() : '';
    return typ === VC_JWT_TYP || typ === VC_JWT_MEDIA_TYPE ? jws : undefined;
  },
  parseNote: VC_JWT_TYP,

  /**
   * RFC 8725bis §3.1 alg allow-list, then the VCDM 2.0 data model and the status entry's shape
   * on the JWS parsed once (parsePresentation already checked `typ`).
   */
  checkHeader(jws) {
    checkAlgAllowed(jws.header.alg);
    checkVcDataModel(jws.payload);
    readVcStatusReference(jws.payload);
  },

  /** VCDM 2.0 §4.7: a URL, or an object with a URL `id`. */
  issuer(jws) {
    const issuer = jws.payload.issuer;
    const id = isJsonObject(issuer) ? issuer.id : issuer;
    if (typeof id !== 'string') throw formatError('sd_jwt_vc_iss_missing', 'no issuer');
    return id;
  },

  async verifyIssuerSignature(jws, resolveKey) {
    await verifyCompactJws(jws, { resolveKey });
  },

  /** The most specific VC `type` (VCDM 2.0 §4.5). */
  credentialType: (jws) =>
    String(
      typesOf(jws.payload)
        .filter((t) => t !== VERIFIABLE_CREDENTIAL_TYPE)
        .pop() ?? VERIFIABLE_CREDENTIAL_TYPE,
    ),

  credentialTypes: (jws) => typesOf(jws.payload).filter((t): t is string => typeof t === 'string'),
  disclosesWholeCredential: true,

  catalogTypeIds: (jws, _credentialType, catalog) => {
    const terms = typesOf(jws.payload);
    return catalog.types.filter((t) => terms.includes(vcTypeTermOf(t.id))).map((t) => t.id);
  },

  /** RFC 7519 §4.1.4–4.1.6 with skew, then VCDM 2.0 §4.9 validFrom / validUntil. */
  checkTime(jws, { clock, skewSeconds }) {
    checkTimeClaims(jws.payload, { clock, skewSeconds });
    const now = clock.now();
    const from = parseDateTimeStamp(jws.payload.validFrom);
    const until = parseDateTimeStamp(jws.payload.validUntil);
    if (from !== undefined && now + skewSeconds * 1000 < from) throw formatError('jwt_not_yet_valid', 'validFrom is in the future');
    if (until !== undefined && now - skewSeconds * 1000 >= until) throw formatError('jwt_expired', 'validUntil has passed');
  },

  statusReference: (jws) => readVcStatusReference(jws.payload),

  /** Our VC-JWT carries no holder key to bind to. */
  holderBinding: () => undefined,

  /** Nothing is selectively disclosed: the policy sees the whole credentialSubject. */
  disclosedClaims(jws) {
    const subject = jws.payload.credentialSubject;
    return { claims: isJsonObject(subject) ? subject : {}, disclosedPaths: [], note: 'not_applicable' };
  },

  keyBound: false,
  configurationId: (typeId) => `${typeId}${CONFIGURATION_SUFFIX}`,
  typeIdOfConfiguration: (configurationId) =>
    configurationId.endsWith(CONFIGURATION_SUFFIX) ? configurationId.slice(0, -CONFIGURATION_SUFFIX.length) : undefined,
  claimPathPrefix: ['credentialSubject'],

  /** OpenID4VCI §A.1.1 `jwt_vc_json`: a VC as a plain JWT, not processed with JSON-LD; no binding, no proofs. */
  configurationMetadata: (type, o) => ({
    format: 'jwt_vc_json',
    credential_definition: { type: [VERIFIABLE_CREDENTIAL_TYPE, vcTypeTermOf(type.id)] },
    credential_signing_alg_values_supported: [...o.signingAlgs],
  }),

  buildCredential: (input) =>
    issueVcJwt({
      issuer: input.issuer,
      types: [VERIFIABLE_CREDENTIAL_TYPE, vcTypeTermOf(input.type.id)],
      validFrom: new Date(input.issuedAt),
      validUntil: new Date(input.expiresAt),
      credentialSubject: input.claims,
      credentialStatus: { idx: input.status.idx, uri: input.status.uri },
      signer: input.signer,
      clock: { now: () => input.issuedAt },
    }),
};
