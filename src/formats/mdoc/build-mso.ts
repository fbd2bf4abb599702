/**
 * The MobileSecurityObject (ISO/IEC 18013-5 §9.1.2.4) as the bytes issuerAuth signs,
 * MobileSecurityObjectBytes = #6.24(bstr .cbor MobileSecurityObject), written directly with cbor-x
 * (a speed-up: @owf/mdoc's MobileSecurityObject runs every part through its zod codecs, about a
 * quarter of the server's time in mdoc issuance). Keys in @owf/mdoc's order, so the bytes are the
 * ones it makes (a test decodes them with @owf/mdoc and compares).
 */
import type { JWK } from 'jose';
import type { StatusListReference } from '../status-list/status-list-reference.js';
import { wrapTag24 } from './build-device-authentication.js';
import { encodeCbor, tdate } from './encode-cbor.js';
import { MSO_DIGEST_ALGORITHM } from './mdoc-constants.js';

export interface MsoInput {
  docType: string;
  /** Namespace → digestID → SHA-256 of the IssuerSignedItemBytes (§9.1.2.5). */
  valueDigests: ReadonlyMap<string, ReadonlyMap<number, Uint8Array>>;
  /** Milliseconds since the epoch: `signed` and `validFrom`. */
  signedAt: number;
  validUntil: number;
  /** The holder's P-256 public key, already through checkPublicJwk (the curve-point gate). */
  deviceJwk: JWK;
  status: StatusListReference;
}

/** RFC 9052 §7 / RFC 9053 §7.1.1: an EC2 COSE_Key {kty: 2, crv: 1 (P-256), x, y}, in @owf/mdoc's key order. */
const coseKeyOfP256 = (jwk: JWK): Map<number, unknown> =>
  new Map<number, unknown>([
    [1, 2],
    [-1, 1],
    [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
    [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
  ]);

/** MobileSecurityObjectBytes (§9.1.2.4). */
export function buildMsoBytes(input: MsoInput): Uint8Array {
  const mso = new Map<string, unknown>([
    ['version', '1.0'],
    ['digestAlgorithm', MSO_DIGEST_ALGORITHM],
    ['valueDigests', input.valueDigests],
    ['deviceKeyInfo', new Map([['deviceKey', coseKeyOfP256(input.deviceJwk)]])],
    ['docType', input.docType],
    [
      'validityInfo',
      new Map([
        ['signed', tdate(input.signedAt)],
        ['validFrom', tdate(input.signedAt)],
        ['validUntil', tdate(input.validUntil)],
      ]),
    ],
    // draft-ietf-oauth-status-list §6.3 (ISO mdoc binding): `status` beside the §9.1.2.4 keys.
    [
      'status',
      new Map([
        [
          'status_list',
          new Map<string, unknown>([
            ['idx', input.status.idx],
            ['uri', input.status.uri],
          ]),
        ],
      ]),
    ],
  ]);
  return wrapTag24(encodeCbor(mso));
}
