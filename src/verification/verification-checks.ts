/**
 * The small named checks of the verification pipeline, one job each. A check returns a note
 * (`undefined` = `ok`) or throws an AppError whose `code` becomes the verdict. The format rules
 * themselves belong to each format's adapter (src/formats/<format>/adapter.ts, found through
 * src/formats/registry.ts); every check asks the adapter and none branches on the format.
 */
import { jwkThumbprint } from '../keys/jwk-thumbprint.js';
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { Catalog } from '../catalog/types.js';
import { AppError, isAppError, type ErrorCodeWith } from '../errors.js';
import { matchClaimsQuery, relativeClaimPath, selectClaims, toClaimPathName } from '../formats/claim-path/index.js';
import type { CredentialVerification } from '../formats/credential-format.js';
import type { MdocTrustAnchor } from '../formats/mdoc/verify-issuer-certificate.js';
import { credentialFormat, detectPresentationFormat, loadPresentationParsers, verificationFormat } from '../formats/registry.js';
import { STATUS_INVALID, STATUS_SUSPENDED, STATUS_VALID } from '../formats/status-list/status-list-status-types.js';
import { matchesTrustedAuthorities } from '../formats/x509/read-authority-key-ids.js';
import type { IssuerCaAnchor } from '../formats/x509/verify-jws-x5c.js';
import { FetchFailed } from './fetch-json.js';
import { FormatError } from '../formats/format-error.js';
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
  /** Trusted IACA certificates (mdoc): this service's own and TRUSTED_IACA_CERTS. */
  iacaAnchors(): readonly MdocTrustAnchor[];
  /** Trusted issuer CA certificates (SD-JWT VC `x5c`): this service's own and TRUSTED_ISSUER_CAS. */
  issuerCaAnchors(): readonly IssuerCaAnchor[];
}

export interface VerifyInput {
  presentation: string;
  policy: VerificationPolicy;
  kb: KeyBindingExpectation;
}

export type Check = (s: PresentationState, c: VerificationContext, input: VerifyInput) => Promise<string | void> | string | void;

/** OpenID4VP §5.2 `nonce` charset, at least 128 bits (what a counter nonce is made of). */
const WALLET_NONCE = /^[A-Za-z0-9._~-]{22,128}$/;

/** The adapter of the format the parse check found; every later check runs only after it. */
const formatOf = (s: PresentationState): CredentialVerification => verificationFormat(s.format!)!;

/** The credential as the parse check left it: a check reached without it is a bug in the pipeline's order, not a verdict. */
const parsedOf = (s: PresentationState): unknown => {
  if (s.parsed === undefined) throw new Error('a verification check ran before parsePresentation');
  return s.parsed;
};

/** RFC 9901 §7.1 step 1 (SD-JWT serialisation) or another registered format; no crypto yet. */
export const parsePresentation: Check = async (s, _c, input) => {
  await loadPresentationParsers(s.text);
  let detected: ReturnType<typeof detectPresentationFormat>;
  try {
    detected = detectPresentationFormat(s.text);
  } catch (e) {
    // OpenID4VP §6.1: a credential query names one format. Text that no mdoc reader recognised,
    // answering an mdoc query, is a malformed mdoc (mdoc_malformed), not a malformed JWS of the
    // VC-JWT reader, which takes any other text. The JWT formats' own readers name their faults.
    const mdocAsked = input.policy.formats?.length === 1 && input.policy.formats[0] === 'mso_mdoc';
    if (mdocAsked && e instanceof FormatError && !e.code.startsWith('mdoc_'))
      throw new FormatError('mdoc_malformed', `not a readable mso_mdoc presentation (${e.message})`);
    throw e;
  }
  const { format, parsed } = detected;
  s.format = format.id;
  s.parsed = parsed;
  return format.parseNote;
};

/** RFC 8725bis §3.1 (alg allow-list, before any crypto) and §3.11 (explicit `typ`), per format. */
export const checkTypAndAlg: Check = (s, _c, input) => {
  // OpenID4VP §6.1: a credential query names one format; a credential of another never answers it.
  // Said first, before what the other format lacks (a VC-JWT has no holder key to bind) is.
  const formats = input.policy.formats;
  if (formats && !formats.includes(s.format!))
    throw new VerificationFailed(
      'format_not_accepted',
      `a ${s.format} credential was presented where ${formats.join(' or ')} was asked for`,
    );
  formatOf(s).checkHeader(s.parsed);
};

/** RFC 9901 §7.1 step 2 / SD-JWT VC §2.5: trusted issuer, its key, a valid signature. */
export const checkIssuerSignature: Check = async (s, c) => {
  const format = formatOf(s);
  // ISO 18013-5 §9.3.1: an mdoc's issuer is the trusted IACA its certificate chain leads to.
  if (format.verifyIssuerByCertificate) {
    s.iss = format.verifyIssuerByCertificate(s.parsed, c.iacaAnchors(), { clock: c.clock, skewSeconds: c.skewSeconds });
    s.type = format.credentialType(s.parsed);
    return;
  }
  // HAIP 1.0 §6.1.1 / SD-JWT VC "Inline X.509 Certificates": a credential that carries x5c is
  // trusted by its chain to a configured issuer CA, never by the trust list's JWKS.
  const byX5c = await format.verifyIssuerByX5c?.(s.parsed, c.issuerCaAnchors(), { clock: c.clock, skewSeconds: c.skewSeconds });
  if (byX5c !== undefined) {
    s.iss = byX5c;
    s.type = format.credentialType(s.parsed);
    return;
  }
  const iss = format.issuer(s.parsed);
  s.iss = iss;
  if (!c.trust.isTrusted(iss)) throw new VerificationFailed('untrusted_issuer', 'the issuer is not on the trust list');
  try {
    await format.verifyIssuerSignature(s.parsed, (l) => c.trust.resolveKey({ ...l, iss }));
  } catch (e) {
    if (e instanceof FetchFailed) throw new VerificationFailed('issuer_keys_unreachable', 'the issuer keys could not be fetched');
    throw e;
  }
  s.type = format.credentialType(s.parsed);
};

/** RFC 7519 §4.1.4–4.1.6 with skew, and the format's own validity period (VCDM 2.0 §4.9). */
export const checkTime: Check = (s, c) => {
  formatOf(s).checkTime(s.parsed, { clock: c.clock, skewSeconds: c.skewSeconds });
};

/** Token Status List §8.3: fetched, verified, read; anything but VALID refuses. */
export const checkStatus: Check = async (s, c) => {
  const ref = formatOf(s).statusReference(s.parsed);
  if (ref === undefined) return 'no_status';
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

/** RFC 9901 §7.3 / SD-JWT VC §2.4: the holder's proof (KB-JWT) signed by `cnf.jwk`, sd_hash, nonce, aud, fresh iat. */
export const checkHolderBinding: Check = async (s, c, input) => {
  const required = input.policy.requireHolderBinding !== false;
  // Our own credentials' holder keys passed the torsion check at issuance; another issuer's did
  // not pass ours, so theirs pass it here (checkPublicJwk).
  const binding = formatOf(s).holderBinding(s.parsed, { torsionFree: s.iss !== c.trust.ownIssuer });
  if (!binding) {
    if (required) throw new VerificationFailed('holder_binding_unsupported', `a ${s.format} credential carries no holder key to bind to`);
    return 'not_applicable';
  }
  // The holder key's thumbprint links the receipt to its holder's history (record-receipt.ts), but
  // only once the holder's proof has verified below: a copied credential, presented with no proof
  // or with a proof under another key, must not write into its holder's history.
  let jkt: string | undefined;
  if (binding.holderJwk) {
    s.holderJwk = binding.holderJwk;
    jkt = await thumbprint(binding.holderJwk);
  }
  // RFC 9901 §7.3 step 1: whether binding is required is policy, not whether a proof was sent.
  if (binding.proof === undefined) {
    if (required) throw binding.missingProof();
    return 'not_required';
  }
  let nonce = input.kb.nonce;
  if (nonce === undefined) {
    const claimed = binding.proof.claimedNonce();
    if (typeof claimed !== 'string' || !WALLET_NONCE.test(claimed)) {
      throw new VerificationFailed(
        'nonce_invalid',
        'a counter presentation needs the nonce the counter issued (POST /v1/verifier/counter-nonces)',
      );
    }
    nonce = claimed;
  }
  const { iat } = await binding.proof.verify({
    nonce,
    aud: input.kb.aud,
    clock: c.clock,
    maxAgeSeconds: input.kb.maxAgeSeconds,
    skewSeconds: c.skewSeconds,
    ...(input.kb.responseUri !== undefined && { responseUri: input.kb.responseUri }),
    ...(input.kb.responseEncryptionJkt !== undefined && { responseEncryptionJkt: input.kb.responseEncryptionJkt }),
    ...(input.kb.dcApiOrigin !== undefined && { dcApiOrigin: input.kb.dcApiOrigin }),
  });
  s.kbNonce = nonce;
  s.kbIat = iat;
  if (jkt) s.holderJkt = jkt;
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
    throw new VerificationFailed('nonce_not_issued', "this nonce was not issued by this verifier's counter, or it has expired");
  }
  const expiresAt = (s.kbIat! + input.kb.maxAgeSeconds + 2 * c.skewSeconds) * 1000;
  if (!(await c.consumeNonce(s.kbNonce, expiresAt))) throw new VerificationFailed('nonce_reused', 'this nonce was already used');
};

/** RFC 9901 §7.1 steps 3–5 and SD-JWT VC §2.2.2.3, or what the format discloses as a whole. */
export const checkDisclosures: Check = (s) => {
  const { claims, disclosedPaths, note } = formatOf(s).disclosedClaims(s.parsed);
  s.claims = claims;
  s.disclosedPaths = disclosedPaths;
  return note;
};

/**
 * The names the credential answers to in a policy: its own `vct` / VC `type`, and the catalogue
 * id of that type only when THIS service issued it (a catalogue type is ours to vouch for).
 */
function typeNames(s: PresentationState, c: VerificationContext): Set<string> {
  const names = new Set<string>();
  if (s.type) names.add(s.type);
  if (s.iss !== c.trust.ownIssuer) return names;
  for (const id of formatOf(s).catalogTypeIds(parsedOf(s), s.type ?? '', c.catalog)) names.add(id);
  return names;
}

/** The verifier's policy: the issuer's authority for the type, the format, accepted types and issuers, asked claims present; the result keeps only those. */
export const checkPolicy: Check = (s, c, input) => {
  const p = input.policy;
  // SD-JWT VC §3.2.2.1: acceptance rests on the type AND the issuer's authority for it.
  const format = formatOf(s);
  const parsed = parsedOf(s);
  // A certified issuer (mdoc IACA, SD-JWT VC x5c) speaks for what its CA allows; otherwise (undefined) the trust list decides.
  const authorized = format.issuerAuthorizedForType?.(parsed, s.type!) ?? c.trust.isAuthorizedForType(s.iss!, s.type!);
  if (!authorized) {
    throw new VerificationFailed('issuer_not_authorized_for_type', 'the issuer is trusted, but not for this credential type');
  }
  // OpenID4VP §6.1.1.1: with trusted_authorities (aki), a certificate of the credential's chain
  // must name one of the asked authorities; a credential without a chain matches none.
  if (p.trustedAuthorityKeyIds && !matchesTrustedAuthorities(format.authorityKeyIds?.(parsed), p.trustedAuthorityKeyIds))
    throw new VerificationFailed('trusted_authority_mismatch', 'no certificate of the credential names an asked trusted authority');
  // OpenID4VP Annex B.1.1: the credential's `type` holds every value of one `type_values` set.
  if (p.typeValues) {
    const types = new Set(format.credentialTypes?.(parsed) ?? []);
    if (!p.typeValues.some((set) => set.every((t) => types.has(t))))
      throw new VerificationFailed('type_values_mismatch', 'the credential type does not hold every value of one asked type set');
  }
  const names = typeNames(s, c);
  if (p.types && !p.types.some((t) => names.has(t)))
    throw new VerificationFailed('type_not_accepted', 'the credential type was not asked for');
  if (p.issuers && !p.issuers.includes(s.iss!))
    throw new VerificationFailed('issuer_not_accepted', 'the issuer is not accepted by this policy');
  // Paths as the issuer metadata publishes them (`["credentialSubject", …]` for VC-JWT) work as they are.
  const prefix = credentialFormat(s.format!)?.claimPathPrefix ?? [];
  const asked = (p.claims ?? []).map((path) => relativeClaimPath(path, prefix));
  // OpenID4VP §6.4.1: all asked claims, or the first claim set presented in full (claim-path module).
  const match = matchClaimsQuery(
    s.claims!,
    asked.map((path, i) => ({ path, values: p.claimValues?.[i] })),
    p.claimSets,
  );
  if (!match.ok) {
    if (match.code === 'claim_value_mismatch')
      throw new VerificationFailed('claim_value_mismatch', 'a claim does not have an accepted value');
    throw new VerificationFailed(
      'claim_missing',
      p.claimSets?.length ? 'no claim set was presented in full' : 'a requested claim was not presented',
    );
  }
  const pointers = match.chosen.map((i) => asked[i]!);
  s.selected = selectClaims(s.claims!, pointers).claims;
  s.selectedNames = pointers.map(toClaimPathName);
};

export const isVerdictError = (e: unknown): e is AppError => isAppError(e) && e.status < 500;
