/**
 * Shapes and constants of a W3C Verifiable Credential (VC Data Model 2.0) secured as a JWT per
 * "Securing Verifiable Credentials using JOSE and COSE" (VC-JOSE-COSE, W3C REC 2025-05-15) §3.1.1.
 */

/** VCDM 2.0 §4.3: the first `@context` item MUST be this URL. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** VC-JOSE-COSE §3.1.1: the `typ` header SHOULD be `vc+jwt` (we always set it and require it). */
export const VC_JWT_TYP = 'vc+jwt';
/** VC-JOSE-COSE §6.1 media type; RFC 7515 §4.1.9 lets `typ` carry it with the `application/` prefix. */
export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';
/** VCDM 2.0 §4.5: every credential's `type` includes this. */
export const VERIFIABLE_CREDENTIAL_TYPE = 'VerifiableCredential';

/**
 * Our `credentialStatus` entry pointing at an IETF Token Status List entry. See
 * `build-token-status-list-entry.ts` for why this shape.
 */
export interface TokenStatusListEntry {
  /** `<statusListCredential>#<statusListIndex>`. */
  id: string;
  type: 'TokenStatusListEntry';
  /** Base-10 string, as in BitstringStatusListEntry. */
  statusListIndex: string;
  /** URI of the `statuslist+jwt` Status List Token (= its `sub`). */
  statusListCredential: string;
}

export type VcIssuer = string | ({ id: string } & Record<string, unknown>);

/** The unsecured credential, which is also the JWT Claims Set (VC-JOSE-COSE §3.1.1). */
/** VCDM 2.0 §4.3: an ordered set starting with the v2 context (a lone string is that set of one). */
export type VcContext = typeof VC_V2_CONTEXT | [typeof VC_V2_CONTEXT, ...(string | Record<string, unknown>)[]];

export interface VerifiableCredential {
  '@context': VcContext;
  id?: string;
  /** We issue an array; VCDM 2.0 §4.5 also allows a single term. */
  type: string | string[];
  issuer: VcIssuer;
  validFrom?: string;
  validUntil?: string;
  credentialSubject: Record<string, unknown> | Record<string, unknown>[];
  credentialStatus?: TokenStatusListEntry | Record<string, unknown> | Record<string, unknown>[];
  /** JWT claims we add (VC-JOSE-COSE §3.1.3): signature issuance / expiry, seconds. */
  iat?: number;
  exp?: number;
  /** IETF Token Status List referenced-token claim (draft-ietf-oauth-status-list §6.2). */
  status?: { status_list: { idx: number; uri: string } };
  [property: string]: unknown;
}
