/** Shapes of the verification pipeline's input and answer. */
import type { JWK } from 'jose';
import type { JsonObject } from '../formats/jose/types.js';
import type { VerifiedFormatId } from '../formats/registry.js';
import type { ClaimPath } from '../formats/sd-jwt/process-disclosures.js';
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import type { ClerkMessage } from '../verdict/clerk-messages.js';
import type { CheckName } from '../verdict/check-names.js';

/** The checks by name, in the order they run: shared with the verifier page through src/verdict/. */
export type { CheckName } from '../verdict/check-names.js';

export interface CheckResult {
  check: CheckName;
  ok: boolean;
  /** `ok`, a note such as `no_status` / `not_applicable`, a failure code, or `not_checked` after a failure. */
  code: string;
}

/** What the verifier accepts and asks for. */
export interface VerificationPolicy {
  /** Accepted credential types: catalogue ids or `vct` values (SD-JWT VC) / VC `type` terms (VC-JWT). */
  types?: string[];
  /** DCQL `meta.type_values` (jwt_vc_json, OpenID4VP Annex B.1.1): the credential's `type` holds every value of one set. */
  typeValues?: string[][];
  /** Accepted formats (a DCQL credential query names exactly one); unset = any. */
  formats?: CredentialFormat[];
  /** Accepted issuer identifiers (each must also be trusted). */
  issuers?: string[];
  /** Claims asked for: each must be present; the result holds these and nothing else. */
  claims?: ClaimPathPointer[];
  /** DCQL `claim_sets`: alternatives over `claims` (indexes); the first one satisfied is used. */
  claimSets?: number[][];
  /** DCQL `values` per entry of `claims` (best effort, OpenID4VP §6.3). */
  claimValues?: ((string | number | boolean)[] | undefined)[];
  /** DCQL `trusted_authorities` of type `aki` (OpenID4VP §6.1.1.1): base64url key identifiers, one must match. */
  trustedAuthorityKeyIds?: string[];
  /** Default true (OpenID4VP §6.1 `require_cryptographic_holder_binding`). */
  requireHolderBinding?: boolean;
}

/**
 * What the KB-JWT must be bound to: exactly this verifier's identifier (RFC 9901 §7.3 step 5.6)
 * and one channel's nonce — the nonce an OpenID4VP request issued, or (counter) a nonce the
 * counter channel issued to this verifier client, accepted once.
 */
export type KeyBindingExpectation = {
  aud: string;
  maxAgeSeconds: number;
  /** OpenID4VP: the request's Response URI, bound by an mdoc's SessionTranscript (Annex B.2.6.1). */
  responseUri?: string;
  /** OpenID4VP direct_post.jwt: RFC 7638 thumbprint (base64url) of the key the response was encrypted to (Annex B.2.6.1). */
  responseEncryptionJkt?: string;
  /** OpenID4VP over the DC API: the request's origin, bound by an mdoc's OpenID4VPDCAPIHandover (Annex B.2.6.2). */
  dcApiOrigin?: string;
} & ({ nonce: string; counterClientId?: never } | { counterClientId: string; nonce?: never });

/** Credential formats this service verifies: those with an adapter in src/formats/registry.ts. */
export type CredentialFormat = VerifiedFormatId;

export interface PresentationState {
  text: string;
  format?: CredentialFormat;
  /** The credential as its format adapter parsed it; only that adapter reads it. */
  parsed?: unknown;
  iss?: string;
  /** vct (SD-JWT VC) or the most specific VC `type` (VC-JWT). */
  type?: string;
  holderJwk?: JWK;
  holderJkt?: string;
  kbNonce?: string;
  kbIat?: number;
  claims?: JsonObject;
  disclosedPaths?: ClaimPath[];
  selected?: JsonObject;
  selectedNames?: string[];
}

export interface VerificationReport {
  verdict: 'verified' | 'rejected';
  /** `verified`, or the code of the first failed check. */
  code: string;
  checks: CheckResult[];
  message: ClerkMessage;
  credential?: {
    format: CredentialFormat;
    type: string | null;
    issuer: string | null;
  };
  /** Only the claims asked for; absent when rejected. */
  claims?: JsonObject;
  /** Names (paths) of the claims returned, for receipts. */
  claimNames: string[];
  /**
   * Set when the format cannot disclose selectively (VC-JWT): the wallet sent the whole
   * credential; `carried` names the subject's claims it held, of which `claims` keeps the asked ones.
   */
  wholeCredential?: { carried: string[] };
  /** RFC 7638 thumbprint of the holder key (links receipts to the holder's history). */
  holderJkt?: string;
}
