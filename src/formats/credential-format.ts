/**
 * What the rest of the service asks of a credential format. One adapter per format (`dc+sd-jwt`,
 * `vc+jwt`, next `mso_mdoc`) implements it in its own folder and is listed in `registry.ts`; the
 * verification checks and issuance only ever talk to this interface, so adding a format is a
 * folder and a registry line, never a branch in a check.
 *
 * `P` is the adapter's own parsed form of a presented credential; nobody else looks inside it.
 */
import type { JWK } from 'jose';
import type { Clock, RandomSource } from './clock.js';
import type { CheckPublicJwkOptions } from './jose/check-public-jwk.js';
import type { Signer, SigningAlg } from './jose/signer.js';
import type { JsonObject, KeyResolver } from './jose/types.js';
import type { ClaimPath } from './sd-jwt/process-disclosures.js';
import type { StatusListReference } from './status-list/status-list-reference.js';
import type { MdocTrustAnchor } from './mdoc/verify-issuer-certificate.js';
import type { IssuerCaAnchor } from './x509/verify-jws-x5c.js';

export interface TimeCheckOptions {
  clock: Clock;
  skewSeconds: number;
}

/** What a holder's proof of possession must be bound to (RFC 9901 §7.3 step 5 for a KB-JWT). */
export interface HolderProofExpectation extends TimeCheckOptions {
  nonce: string;
  aud: string;
  maxAgeSeconds: number;
  /** OpenID4VP: the request's Response URI (an mdoc's SessionTranscript binds it); unset at the counter. */
  responseUri?: string;
  /** OpenID4VP direct_post.jwt / dc_api.jwt: base64url RFC 7638 thumbprint of the verifier's encryption key (an mdoc's SessionTranscript binds it). */
  responseEncryptionJkt?: string;
  /** OpenID4VP over the Digital Credentials API: the request's origin, bare (an mdoc's OpenID4VPDCAPIHandover binds it). */
  dcApiOrigin?: string;
}

/** A proof of possession of the holder key that came with the presentation (a KB-JWT or equivalent). */
export interface HolderProof {
  /** The nonce the proof claims, not yet verified: a counter presentation brings its own. */
  claimedNonce(): unknown;
  /** Verifies the proof with the holder key; resolves to its issuance time (seconds). */
  verify(expect: HolderProofExpectation): Promise<{ iat: number }>;
}

/** The holder binding a credential carries (`cnf` for the JOSE formats). */
export interface HolderBinding {
  /** The holder's public key, checked; undefined when the credential is not key-bound. */
  holderJwk: JWK | undefined;
  /** The presented proof, or undefined when none was sent. */
  proof: HolderProof | undefined;
  /** The error to refuse with when policy requires a proof and none was sent. */
  missingProof(): Error;
}

/** The claims a policy may look at, after the format's own integrity rules. */
export interface DisclosedClaims {
  claims: JsonObject;
  /** Paths that came from a selective disclosure (empty for a format that discloses all). */
  disclosedPaths: ClaimPath[];
  /** A note for the check result when the format has nothing to check here (`not_applicable`). */
  note?: string;
}

/** The parts of a catalogue type a format needs (formats never import the catalogue). */
export interface IssuableType {
  id: string;
  vct: string;
  selectivelyDisclosable: readonly string[];
  /** ISO/IEC 18013-5 layout, for types issued as `mso_mdoc` (the catalogue's MdocLayout fits). */
  mdoc?: {
    doctype: string;
    namespaces: Readonly<Record<string, readonly string[]>>;
    encodings: Readonly<Record<string, 'full-date' | 'bytes'>>;
  };
}

/** Everything a format needs to build one credential; the story around it lives in issuance. */
export interface BuildCredentialInput {
  issuer: string;
  type: IssuableType;
  /** Subject claims, caller-supplied and derived. */
  claims: JsonObject;
  /** Validity window, milliseconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  /** A checked holder key; a format that binds no key ignores it. */
  holderJwk?: JWK;
  status: StatusListReference;
  /** Decoy digests per claim path (formats without selective disclosure ignore it). */
  padTo?: Readonly<Record<string, number>>;
  signer: Signer;
  /** X.509 chain of `signer` (DER, leaf first) for formats signed under a certificate (`mso_mdoc`). */
  x5chain?: readonly Uint8Array[];
  /** Salts and decoys (formats without them ignore it); default: straight from the CSPRNG. */
  random?: RandomSource;
}

/** What a format needs of the catalogue to name a credential's type (src/catalog's Catalog fits). */
export interface CatalogIndex {
  readonly types: readonly { id: string; vct: string; mdoc?: { doctype: string } }[];
  getByVct(vct: string): { id: string } | undefined;
}

/** The issuer metadata of one credential configuration (OpenID4VCI §12.2.4), without `credential_metadata`. */
export interface ConfigurationMetadataOptions {
  signingAlgs: readonly SigningAlg[];
  proofSigningAlgs: readonly SigningAlg[];
}

/** What the verification pipeline asks of a format (src/verification/verification-checks.ts). */
export interface CredentialVerification<P = unknown, Id extends string = string> {
  /** The format identifier (OpenID4VP / OpenID4VCI `format`, and the catalogue's). */
  readonly id: Id;

  // --- verification: one method per check of the pipeline, in order ---

  /**
   * Formats whose code is loaded on first use (`mso_mdoc`): loads what `parsePresentation` needs to
   * read `text`, or returns undefined when nothing needs loading. The parse check awaits it first.
   */
  loadParser?(text: string): Promise<unknown> | undefined;
  /** Splits and decodes a presentation; undefined when `text` is not in this format. No crypto. */
  parsePresentation(text: string): P | undefined;
  /** The note the parse check reports for this format (unset: `ok`). */
  readonly parseNote?: string;
  /** Header rules before any crypto: algorithm allow-list and explicit typing. */
  checkHeader(parsed: P): void;
  /** The issuer the credential claims (not yet proven). */
  issuer(parsed: P): string;
  /** Verifies the issuer signature; the key is found only through `resolveKey` (by kid and alg). */
  verifyIssuerSignature(parsed: P, resolveKey: KeyResolver): Promise<void>;
  /**
   * Formats whose issuer is proven by an X.509 chain instead of a key list (`mso_mdoc`): checks
   * the chain to one of `anchors` and the issuer signature, and returns the issuer identifier
   * the anchor stands for. When present, the pipeline calls it instead of `issuer` and
   * `verifyIssuerSignature`.
   */
  verifyIssuerByCertificate?(parsed: P, anchors: readonly MdocTrustAnchor[], options: TimeCheckOptions): string;
  /**
   * Formats whose issuer MAY be proven by an X.509 chain in the token (`dc+sd-jwt` with `x5c`,
   * HAIP 1.0 §6.1.1): when the credential carries one, checks it to one of `anchors` and the
   * signature with the leaf's key, and resolves to the proven issuer; resolves to undefined when
   * it carries none (then `issuer` and `verifyIssuerSignature` run: the JWKS path).
   */
  verifyIssuerByX5c?(parsed: P, anchors: readonly IssuerCaAnchor[], options: TimeCheckOptions): Promise<string | undefined>;
  /**
   * The base64url AuthorityKeyIdentifiers of the X.509 chain the credential carries (DCQL
   * `trusted_authorities` type `aki`, OpenID4VP 1.0 §6.1.1.1); unset: the format carries no chain.
   */
  authorityKeyIds?(parsed: P): string[] | undefined;
  /** Whether the proven issuer may speak for `type` (certificate-anchored credentials); unset or undefined: the issuer trust list decides. */
  issuerAuthorizedForType?(parsed: P, type: string): boolean | undefined;
  /** The credential's type after the signature verified: its `vct` or most specific VC `type`. */
  credentialType(parsed: P): string;
  /** Every type the credential names (a W3C VC's `type`), for DCQL `type_values`; unset: the format has no such list. */
  credentialTypes?(parsed: P): string[];
  /** True when a presentation always discloses the whole credential (no selective disclosure). */
  readonly disclosesWholeCredential?: boolean;
  /** The ids of the catalogue types that name this credential (by `vct` index, or by VC `type` terms). */
  catalogTypeIds(parsed: P, credentialType: string, catalog: CatalogIndex): string[];
  /** Validity-period rules against the injected clock. */
  checkTime(parsed: P, options: TimeCheckOptions): void;
  /** The Token Status List entry, or undefined when the credential has no status. */
  statusReference(parsed: P): StatusListReference | undefined;
  /**
   * The holder key and proof, or undefined when this format binds no holder key. `keyCheck`:
   * how strictly the holder key is checked (checkPublicJwk; torsion-free for other issuers).
   */
  holderBinding(parsed: P, keyCheck?: CheckPublicJwkOptions): HolderBinding | undefined;
  /** The claims a verifier's policy sees. */
  disclosedClaims(parsed: P): DisclosedClaims;
}

/** What issuance asks of a format (src/issuance/). */
export interface CredentialIssuance<Id extends string = string> {
  /** The format identifier (OpenID4VCI `format`, and the catalogue's). */
  readonly id: Id;
  /**
   * True when credentials are signed by the mdoc document signer with its x5chain
   * (`KeyRing.documentSigner()`), not by the JWS key of `KEY_ALG`.
   */
  readonly documentSigned?: boolean;
  /** Whether a (checked) holder key can be bound in this format; unset: every key checkHolderKey accepts. */
  acceptsHolderKey?(jwk: JWK): boolean;
  /** True when credentials are bound to a holder key proved with a `jwt` proof (OpenID4VCI §8.2). */
  readonly keyBound: boolean;
  /** The `credential_configuration_id` of `typeId` in this format. */
  configurationId(typeId: string): string;
  /** The type id a configuration id names in this format, or undefined when it names none. */
  typeIdOfConfiguration(configurationId: string): string | undefined;
  /** Where the subject's claims sit in the credential (prefix of claims paths in the metadata). */
  readonly claimPathPrefix: readonly string[];
  /** The metadata claims path of a claim when it depends on the claim (an mdoc's namespace); unset: the prefix + path. */
  claimPathOf?(type: IssuableType, path: readonly (string | null)[]): (string | null)[];
  /** The format-specific members of the configuration in the issuer metadata. */
  configurationMetadata(type: IssuableType, options: ConfigurationMetadataOptions): Record<string, unknown>;
  /** Builds and signs one credential. */
  buildCredential(input: BuildCredentialInput): Promise<string>;
}

/** A format the service both verifies and issues. */
export type CredentialFormat<P = unknown, Id extends string = string> = CredentialVerification<P, Id> & CredentialIssuance<Id>;
