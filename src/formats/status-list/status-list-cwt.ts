/**
 * Status List Token in CWT format (draft-ietf-oauth-status-list §5.2): the same claims as the JWT
 * form (§5.1), as a CBOR Web Token (RFC 8392) in a tagged COSE_Sign1 (RFC 9052 §4.2, tag 18),
 * for relying parties that read CBOR (an ISO mdoc's MSO `status` points at the same list).
 * Signed by the mdoc's COSE_Sign1 code (sign-cose-sign1.ts) with our Signer (file key or HSM): no
 * npm COSE library signs through a PKCS#11 key.
 */
import { Tag } from 'cbor-x';
import { encodeCbor } from '../mdoc/encode-cbor.js';
import { signCoseSign1 } from '../mdoc/sign-cose-sign1.js';
import type { Signer } from '../jose/signer.js';
import type { StatusListTokenPayload } from './status-list-token.js';

/** §8.1, §8.2: media type of a Status List Token in CWT format; also its protected `typ` (§5.2). */
export const STATUS_LIST_CWT_MEDIA_TYPE = 'application/statuslist+cwt';

/** RFC 9052 §9: COSE_Sign1_Tagged. §5.2: the token MUST be tagged with it (and MUST NOT carry the CWT tag 61). */
const COSE_SIGN1_TAG = 18;

/** COSE header labels (RFC 9052 §3.1, RFC 9596 §2). */
const HEADER = { kid: 4, typ: 16 } as const;

/** CWT claim keys (RFC 8392 §4) and the draft's own (§5.2, IANA §14.1). */
export const CWT_CLAIM = { iss: 1, sub: 2, exp: 4, iat: 6, ttl: 65534, status_list: 65533 } as const;

/**
 * The token's claims: those of the JWT form's payload, `lst` as the compressed bytes themselves
 * (§4.3: a byte string, where JSON needs base64url). The claims' integer keys in ascending order
 * (RFC 8949 §4.2.1's order for them), so the same claims always make the same bytes.
 */
export const statusListCwtClaims = (payload: StatusListTokenPayload): Map<number, unknown> => {
  const list = new Map<string, unknown>([
    ['bits', payload.status_list.bits],
    ['lst', Buffer.from(payload.status_list.lst, 'base64url')],
  ]);
  if (payload.status_list.aggregation_uri !== undefined) list.set('aggregation_uri', payload.status_list.aggregation_uri);
  const claims = new Map<number, unknown>();
  if (payload.iss !== undefined) claims.set(CWT_CLAIM.iss, payload.iss);
  claims.set(CWT_CLAIM.sub, payload.sub);
  if (payload.exp !== undefined) claims.set(CWT_CLAIM.exp, payload.exp);
  claims.set(CWT_CLAIM.iat, payload.iat);
  claims.set(CWT_CLAIM.status_list, list);
  if (payload.ttl !== undefined) claims.set(CWT_CLAIM.ttl, payload.ttl);
  return claims;
};

/**
 * Signs the claims of a JWT-form payload as a CWT Status List Token: protected header
 * `{1: alg, 16: "application/statuslist+cwt"}`, unprotected `{4: kid}` as the draft's example has
 * it, plus the signer's certificate chain under `33` (x5chain, DER) when the key is certified, as
 * the JWT form carries `x5c` (HAIP 1.0 §7).
 */
export async function signStatusListCwt(payload: StatusListTokenPayload, signer: Signer): Promise<Uint8Array> {
  const [protectedBytes, unprotected, claims, signature] = await signCoseSign1(
    encodeCbor(statusListCwtClaims(payload)),
    (signer.x5c ?? []).map((der) => Buffer.from(der, 'base64')),
    signer,
    {
      protected: new Map([[HEADER.typ, STATUS_LIST_CWT_MEDIA_TYPE]]),
      unprotected: new Map([[HEADER.kid, Buffer.from(signer.kid, 'utf8')]]),
    },
  );
  return encodeCbor(new Tag([protectedBytes, unprotected, claims, signature], COSE_SIGN1_TAG));
}
