/**
 * The small named checks of the verification pipeline, one job each. A check returns a note
 * (`undefined` = `ok`) or throws an AppError whose `code` becomes the verdict. The format rules
 * themselves are the exported checks of src/formats (RFC 9901, SD-JWT VC, RFC 8725bis, Token
 * Status List); this file only decides which apply and in what order.
 */
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Catalog } from '../catalog/types.js';
import { AppError, isAppError, type ErrorCodeWith } from '../errors.js';
import { formatError } from '../formats/error-codes.js';
import { matchClaimsQuery, selectClaims, toClaimPathName } from '../formats/claim-path/index.js';
import { checkTimeClaims } from '../formats/jose/check-time-claims.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { checkAlgAllowed, verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { parseSdJwt } from '../formats/sd-jwt/parse-sd-jwt.js';
import { processDisclosures } from '../formats/sd-jwt/process-disclosures.js';
import { verifyKbJwt } from '../formats/sd-jwt/verify-kb-jwt.js';
import { checkIss, checkNeverDisclosed, checkSdJwtVcTyp, checkStatusClaim, checkVct, readCnfJwk } from '../formats/sd-jwt-vc/check-sd-jwt-vc.js';
import { parseVcJwt } from '../formats/vc-jwt/parse-vc-jwt.js';
import { parseDateTimeStamp } from '../formats/vc-jwt/parse-date-time-stamp.js';
import { readVcStatusReference } from '../formats/vc-jwt/read-vc-status-reference.js';
import { readStatusReference } from '../status/status-list-reference.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID } from '../status/status-list-status-types.js';
import { FetchFailed } from './fetch-json.js';
import type { IssuerTrust } from './issuer-trust.js';
import type { StatusChecker } from './status-checker.js';
import type { KeyBindingExpectation, PresentationState, VerificationPolicy } from './verification-types.js';

export class VerificationFailed extends AppError {
  constructor(code: ErrorCodeWith<400>, message: string) {
    super(code, message, { status: 400 });
  }
}

export interface VerificationContext {
  trust: IssuerTrust;
  status: StatusChecker;
  clock: Clock;
  skewSeconds: number;
  catalog: Catalog;
  /** Single-use nonce store (counter QR): true on first use. */
  consumeNonce(nonce: string, expiresAt: number): Promise<boolean>;
  /** Was `nonce` issued by the counter channel to verifier client `clientId`, and not expired? */
  counterNonceIssued(nonce: string, clientId: string): Promise<boolean>;
}

export interface VerifyInput {
  presentation: string;
  policy: VerificationPolicy;
  kb: KeyBindingExpectation;
}

export type Check = (s: PresentationState, c: VerificationContext, input: VerifyInput) => Promise<string | void> | string | void;

/** OpenID4VP §5.2 `nonce` charset, at least 128 bits (what a counter nonce is made of). */
const WALLET_NONCE = /^[A-Za-z0-9._~-]{22,128}$/;

const payloadOf = (s: PresentationState): JsonObject => s.jws!.payload;

/** RFC 9901 §7.1 step 1 (SD-JWT serialisation) or a compact `vc+jwt`; no crypto yet. */
export const parsePresentation: Check = (s) => {
  if (typeof s.text !== 'string' || s.text.length === 0) throw formatError('sd_jwt_malformed', 'empty presentation');
  if (s.text.includes('~')) {
    s.sdJwt = parseSdJwt(s.text);
    s.jws = parseCompactJws(s.sdJwt.jwt);
    s.format = 'dc+sd-jwt';
    return;
  }
  // No `~`: only a VC-JWT may be presented bare; a bare JWT is never an SD-JWT (RFC 9901 §4).
  s.jws = parseCompactJws(s.text);
  const typ = typeof s.jws.header.typ === 'string' ? s.jws.header.typ.toLowerCase() : '';
  if (typ !== 'vc+jwt' && typ !== 'application/vc+jwt') throw formatError('sd_jwt_malformed', 'a bare JWT is not an SD-JWT');
  s.format = 'vc+jwt';
  return 'vc+jwt';
};

/** RFC 8725bis §3.1 (alg allow-list, before any crypto) and §3.11 (explicit `typ`). */
export const checkTypAndAlg: Check = (s) => {
  checkAlgAllowed(s.jws!.header.alg);
  if (s.format === 'dc+sd-jwt') {
    checkSdJwtVcTyp(s.jws!.header); // SD-JWT VC §2.2.1
    return;
  }
  parseVcJwt(s.text); // VC-JOSE-COSE §3.1.1 typ + VCDM 2.0 data model
};

function issuerOf(s: PresentationState): string {
  if (s.format === 'dc+sd-jwt') return checkIss(payloadOf(s));
  const issuer = payloadOf(s).issuer;
  const id = isJsonObject(issuer) ? issuer.id : issuer;
  if (typeof id !== 'string') throw formatError('sd_jwt_vc_iss_missing', 'no issuer');
  return id;
}

/** RFC 9901 §7.1 step 2 / SD-JWT VC §2.5: trusted issuer, its key, a valid signature. */
export const checkIssuerSignature: Check = async (s, c) => {
  const iss = issuerOf(s);
  s.iss = iss;
  if (!c.trust.isTrusted(iss)) throw new VerificationFailed('untrusted_issuer', 'the issuer is not on the trust list');
  try {
    await verifyCompactJws(s.jws!, { resolveKey: (l) => c.trust.resolveKey({ ...l, iss }) });
  } catch (e) {
    if (e instanceof FetchFailed) throw new VerificationFailed('issuer_keys_unreachable', 'the issuer keys could not be fetched');
    throw e;
  }
  if (s.format === 'dc+sd-jwt') s.type = checkVct(payloadOf(s));
  else {
    const types = ([] as unknown[]).concat(payloadOf(s).type ?? []);
    s.type = String(types.filter((t) => t !== 'VerifiableCredential').pop() ?? 'VerifiableCredential');
  }
};

/** RFC 7519 §4.1.4–4.1.6 with skew; VCDM 2.0 §4.9 validFrom / validUntil for a VC-JWT. */
export const checkTime: Check = (s, c) => {
  // SD-JWT VC §2.2.2.3: exp / nbf never come from a Disclosure, so the signed payload holds them.
  checkTimeClaims(payloadOf(s), { clock: c.clock, skewSeconds: c.skewSeconds });
  if (s.format !== 'vc+jwt') return;
  const now = c.clock.now();
  const from = parseDateTimeStamp(payloadOf(s).validFrom);
  const until = parseDateTimeStamp(payloadOf(s).validUntil);
  if (from !== undefined && now + c.skewSeconds * 1000 < from) throw formatError('jwt_not_yet_valid', 'validFrom is in the future');
  if (until !== undefined && now - c.skewSeconds * 1000 >= until) throw formatError('jwt_expired', 'validUntil has passed');
};

/** Token Status List §8.3: fetched, verified, read; anything but VALID refuses. */
export const checkStatus: Check = async (s, c) => {
  const payload = payloadOf(s);
  let ref;
  if (s.format === 'dc+sd-jwt') {
    if (payload.status === undefined) return 'no_status';
    checkStatusClaim(payload.status); // §6.2 shape
    ref = readStatusReference(payload);
  } else {
    ref = readVcStatusReference(payload);
    if (ref === undefined) return 'no_status';
  }
  const value = await c.status.read(ref, s.iss!);
  if (value === STATUS_VALID) return;
  if (value === STATUS_INVALID) throw new VerificationFailed('credential_revoked', 'the credential is revoked');
  if (value === STATUS_SUSPENDED) throw new VerificationFailed('credential_suspended', 'the credential is suspended');
  throw new VerificationFailed('credential_status_unknown', `status value ${value} is not VALID`);
};

async function thumbprint(jwk: JWK): Promise<string | undefined> {
  try {
    return jwkThumbprint(jwk);
  } catch {
    return undefined;
  }
}

/** RFC 9901 §7.3 / SD-JWT VC §2.4: KB-JWT signed by `cnf.jwk`, sd_hash, nonce, aud, fresh iat. */
export const checkHolderBinding: Check = async (s, c, input) => {
  const required = input.policy.requireHolderBinding !== false;
  if (s.format === 'vc+jwt') {
    if (required) throw new VerificationFailed('holder_binding_unsupported', 'a VC-JWT carries no holder key to bind to');
    return 'not_applicable';
  }
  const parts = s.sdJwt!;
  const holderJwk = readCnfJwk(payloadOf(s)); // cnf is never a Disclosure (SD-JWT VC §2.2.2.3)
  if (holderJwk) {
    s.holderJwk = holderJwk;
    const jkt = await thumbprint(holderJwk);
    if (jkt) s.holderJkt = jkt;
  }
  // §7.3 step 1: whether binding is required is policy, not whether a KB-JWT was sent.
  if (parts.kbJwt === undefined) {
    if (required) throw formatError('kb_jwt_missing', 'key binding is required');
    return 'not_required';
  }
  if (!holderJwk) throw formatError('kb_jwt_no_cnf', 'a KB-JWT was sent but the credential has no cnf');
  let nonce = input.kb.nonce;
  if (nonce === undefined) {
    const claimed = parseCompactJws(parts.kbJwt).payload.nonce;
    if (typeof claimed !== 'string' || !WALLET_NONCE.test(claimed)) {
      throw new VerificationFailed('nonce_invalid', 'a counter presentation needs the nonce the counter issued (POST /v1/verifier/counter-nonces)');
    }
    nonce = claimed;
  }
  const kb = await verifyKbJwt(parts.kbJwt, {
    holderJwk,
    sdJwtWithoutKb: parts.sdJwtWithoutKb,
    nonce,
    aud: input.kb.aud,
    clock: c.clock,
    maxAgeSeconds: input.kb.maxAgeSeconds,
    skewSeconds: c.skewSeconds,
  });
  s.kbNonce = nonce;
  s.kbIat = kb.payload.iat as number;
};

/**
 * Replay (SECURITY.md "Presentations"), bound to one channel and one verifier client. OpenID4VP:
 * the verifier's nonce belongs to one request (of one client), which takes one response. Counter:
 * the nonce must have been issued by the counter channel to THIS client (so a nonce of an
 * OpenID4VP request or of another client is refused), and is accepted ONCE, deduplicated on the
 * nonce (not the token text, which re-encoding could vary).
 */
export const checkReplay: Check = async (s, c, input) => {
  if (s.kbNonce === undefined) return 'not_applicable';
  if (input.kb.counterClientId === undefined) return 'request_bound';
  if (!(await c.counterNonceIssued(s.kbNonce, input.kb.counterClientId))) {
    throw new VerificationFailed('nonce_not_issued', 'this nonce was not issued by this verifier\'s counter, or it has expired');
  }
  const expiresAt = (s.kbIat! + input.kb.maxAgeSeconds + 2 * c.skewSeconds) * 1000;
  if (!(await c.consumeNonce(s.kbNonce, expiresAt))) throw new VerificationFailed('nonce_reused', 'this nonce was already used');
};

/** RFC 9901 §7.1 steps 3–5 and SD-JWT VC §2.2.2.3 (registered claims never disclosed). */
export const checkDisclosures: Check = (s) => {
  if (s.format === 'vc+jwt') {
    const subject = payloadOf(s).credentialSubject;
    s.claims = isJsonObject(subject) ? subject : {};
    s.disclosedPaths = [];
    return 'not_applicable';
  }
  const { claims, disclosedPaths } = processDisclosures(payloadOf(s), s.sdJwt!.disclosures);
  checkNeverDisclosed(disclosedPaths);
  s.claims = claims;
  s.disclosedPaths = disclosedPaths;
};

const pascal = (id: string) => id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/**
 * The names the credential answers to in a policy: its own `vct` / VC `type`, and the catalogue
 * id of that type only when THIS service issued it (a catalogue type is ours to vouch for).
 */
function typeNames(s: PresentationState, c: VerificationContext): Set<string> {
  const names = new Set<string>();
  if (s.type) names.add(s.type);
  if (s.iss !== c.trust.ownIssuer) return names;
  if (s.format === 'dc+sd-jwt') {
    const t = s.type ? c.catalog.getByVct(s.type) : undefined;
    if (t) names.add(t.id);
  } else {
    const types = ([] as unknown[]).concat(payloadOf(s).type ?? []);
    for (const t of c.catalog.types) if (types.includes(pascal(t.id))) names.add(t.id);
  }
  return names;
}

/** The verifier's policy: the issuer's authority for the type, the format, accepted types and issuers, asked claims present; the result keeps only those. */
export const checkPolicy: Check = (s, c, input) => {
  const p = input.policy;
  // SD-JWT VC §3.2.2.1: acceptance rests on the type AND the issuer's authority for it.
  if (!c.trust.isAuthorizedForType(s.iss!, s.type!)) {
    throw new VerificationFailed('issuer_not_authorized_for_type', 'the issuer is trusted, but not for this credential type');
  }
  // OpenID4VP §6.1: a credential query names one format; a credential of another never answers it.
  if (p.formats && !p.formats.includes(s.format!)) throw new VerificationFailed('format_not_accepted', `a ${s.format} credential was presented where ${p.formats.join(' or ')} was asked for`);
  const names = typeNames(s, c);
  if (p.types && !p.types.some((t) => names.has(t))) throw new VerificationFailed('type_not_accepted', 'the credential type was not asked for');
  if (p.issuers && !p.issuers.includes(s.iss!)) throw new VerificationFailed('issuer_not_accepted', 'the issuer is not accepted by this policy');
  const asked = p.claims ?? [];
  // OpenID4VP §6.4.1: all asked claims, or the first claim set presented in full (claim-path module).
  const match = matchClaimsQuery(s.claims!, asked.map((path, i) => ({ path, values: p.claimValues?.[i] })), p.claimSets);
  if (!match.ok) {
    if (match.code === 'claim_value_mismatch') throw new VerificationFailed('claim_value_mismatch', 'a claim does not have an accepted value');
    throw new VerificationFailed('claim_missing', p.claimSets?.length ? 'no claim set was presented in full' : 'a requested claim was not presented');
  }
  const pointers = match.chosen.map((i) => asked[i]!);
  s.selected = selectClaims(s.claims!, pointers).claims;
  s.selectedNames = pointers.map(toClaimPathName);
};

export const isVerdictError = (e: unknown): e is AppError => isAppError(e) && e.status < 500;
