/**
 * SD-JWT VC (`dc+sd-jwt`, RFC 9901 + draft-ietf-oauth-sd-jwt-vc) as a CredentialFormat: the
 * default format, selectively disclosable and bound to the holder's key (`cnf.jwk` + KB-JWT).
 */
import type { CredentialFormat, HolderBinding } from '../credential-format.js';
import { formatError } from '../error-codes.js';
import type { CheckPublicJwkOptions } from '../jose/check-public-jwk.js';
import { checkTimeClaims } from '../jose/check-time-claims.js';
import { parseCompactJws } from '../jose/parse-compact-jws.js';
import type { JsonObject, ParsedJws } from '../jose/types.js';
import { checkAlgAllowed, verifyCompactJws } from '../jose/verify-compact-jws.js';
import { parseSdJwt, type ParsedSdJwt } from '../sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../sd-jwt/process-disclosures.js';
import { verifyKbJwt } from '../sd-jwt/verify-kb-jwt.js';
import { readStatusReference } from '../status-list/status-list-reference.js';
import { checkIss, checkNeverDisclosed, checkSdJwtVcTyp, checkStatusClaim, checkVct, readCnfJwk } from './check-sd-jwt-vc.js';
import { SD_JWT_VC_TYP } from './constants.js';
import { issueSdJwtVc } from './issue-sd-jwt-vc.js';
import { readAuthorityKeyIds } from '../x509/read-authority-key-ids.js';
import { verifyJwsByX5c, type IssuerCaAnchor } from '../x509/verify-jws-x5c.js';

export interface ParsedSdJwtVc {
  sdJwt: ParsedSdJwt;
  /** The issuer-signed JWT. */
  jws: ParsedJws;
  /** Set once its `x5c` verified: the issuer CA it leads to, and the chain (DER, leaf first). */
  x5c?: { anchor: IssuerCaAnchor; chain: Uint8Array[] };
}

const payloadOf = (p: ParsedSdJwtVc): JsonObject => p.jws.payload;

function holderBinding(p: ParsedSdJwtVc, keyCheck: CheckPublicJwkOptions = {}): HolderBinding {
  const holderJwk = readCnfJwk(payloadOf(p), keyCheck); // cnf is never a Disclosure (SD-JWT VC §2.2.2.3)
  const { kbJwt, sdJwtWithoutKb } = p.sdJwt;
  const missingProof = () => formatError('kb_jwt_missing', 'key binding is required');
  if (kbJwt === undefined) return { holderJwk, proof: undefined, missingProof };
  if (!holderJwk) throw formatError('kb_jwt_no_cnf', 'a KB-JWT was sent but the credential has no cnf');
  return {
    holderJwk,
    missingProof,
    proof: {
      claimedNonce: () => parseCompactJws(kbJwt).payload.nonce,
      // RFC 9901 §7.3: signed by `cnf.jwk`, sd_hash, nonce, aud, fresh iat.
      verify: async (expect) => {
        const kb = await verifyKbJwt(kbJwt, { holderJwk, sdJwtWithoutKb, ...expect });
        return { iat: kb.payload.iat as number };
      },
    },
  };
}

export const sdJwtVcFormat: CredentialFormat<ParsedSdJwtVc, 'dc+sd-jwt'> = {
  id: SD_JWT_VC_TYP,

  /** RFC 9901 §7.1 step 1: an SD-JWT always has a `~`; a bare JWT is never one (§4). */
  parsePresentation(text) {
    if (!text.includes('~')) return undefined;
    const sdJwt = parseSdJwt(text);
    return { sdJwt, jws: parseCompactJws(sdJwt.jwt) };
  },

  /** RFC 8725bis §3.1 alg allow-list; SD-JWT VC §2.2.1 `typ`. */
  checkHeader(p) {
    checkAlgAllowed(p.jws.header.alg);
    checkSdJwtVcTyp(p.jws.header);
  },

  issuer: (p) => checkIss(payloadOf(p)),

  /** RFC 9901 §7.1 step 2 / SD-JWT VC §2.5. */
  async verifyIssuerSignature(p, resolveKey) {
    await verifyCompactJws(p.jws, { resolveKey });
  },

  /**
   * HAIP 1.0 §6.1.1, SD-JWT VC "Inline X.509 Certificates": with `x5c` in the protected header the
   * key is the end-entity certificate's, the chain must lead to a trusted issuer CA, and the
   * certificate must name `iss`. Without `x5c`: undefined, and the JWKS path runs.
   */
  async verifyIssuerByX5c(p, anchors, { clock }) {
    if (p.jws.header.x5c === undefined) return undefined;
    const iss = checkIss(payloadOf(p));
    const { anchor, chain } = await verifyJwsByX5c(p.jws, { iss, anchors, now: clock.now() });
    p.x5c = { anchor, chain };
    return iss;
  },

  /** OpenID4VP 1.0 §6.1.1.1: the AuthorityKeyIdentifiers of a verified x5c; none without one. */
  authorityKeyIds: (p) => (p.x5c ? readAuthorityKeyIds(p.x5c.chain) : undefined),

  /** A certified issuer speaks for what its CA allows; without x5c the trust list decides. */
  issuerAuthorizedForType: (p, type) => p.x5c?.anchor.mayIssue(checkIss(payloadOf(p)), type),

  credentialType: (p) => checkVct(payloadOf(p)),

  catalogTypeIds: (_p, credentialType, catalog) => {
    const id = catalog.getByVct(credentialType)?.id;
    return id === undefined ? [] : [id];
  },

  /** RFC 7519 §4.1.4–4.1.6; SD-JWT VC §2.2.2.3: exp / nbf are never disclosed, so the signed payload holds them. */
  checkTime(p, options) {
    checkTimeClaims(payloadOf(p), options);
  },

  /** Token Status List §6.2 shape, then the reference (§8.3 step 1). */
  statusReference(p) {
    const payload = payloadOf(p);
    if (payload.status === undefined) return undefined;
    checkStatusClaim(payload.status);
    return readStatusReference(payload);
  },

  holderBinding,

  /** RFC 9901 §7.1 steps 3–5 and SD-JWT VC §2.2.2.3 (registered claims never disclosed). */
  disclosedClaims(p) {
    const { claims, disclosedPaths } = processDisclosures(payloadOf(p), p.sdJwt.disclosures);
    checkNeverDisclosed(disclosedPaths);
    return { claims, disclosedPaths };
  },

  keyBound: true,
  /** A type's SD-JWT VC configuration (OpenID4VCI §A.3) is the type id itself. */
  configurationId: (typeId) => typeId,
  typeIdOfConfiguration: (configurationId) => configurationId,
  claimPathPrefix: [],

  /** OpenID4VCI §A.3 / §12.2.4: key-bound with `jwk`, proved with a `jwt` proof. */
  configurationMetadata: (type, o) => ({
    format: SD_JWT_VC_TYP,
    vct: type.vct,
    cryptographic_binding_methods_supported: ['jwk'],
    credential_signing_alg_values_supported: [...o.signingAlgs],
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...o.proofSigningAlgs] } },
  }),

  async buildCredential(input) {
    const { sdJwt } = await issueSdJwtVc({
      iss: input.issuer,
      vct: input.type.vct,
      iat: input.issuedAt / 1000,
      exp: Math.floor(input.expiresAt / 1000),
      ...(input.holderJwk && { cnfJwk: input.holderJwk }),
      status: { status_list: { idx: input.status.idx, uri: input.status.uri } },
      claims: input.claims,
      disclosable: input.type.selectivelyDisclosable,
      ...(input.padTo && { padTo: input.padTo }),
      signer: input.signer,
      ...(input.random && { random: input.random }),
    });
    return sdJwt;
  },
};
