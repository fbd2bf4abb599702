/**
 * The holder side of an mdoc over OpenID4VP 1.0 (Annex B.2): from a held `IssuerSigned`
 * (base64url, as OpenID4VCI delivers `mso_mdoc`), a DeviceResponse disclosing only the asked
 * elements (the IssuerSignedItems kept byte for byte: their digests are over those bytes), with a
 * DeviceSignature by the wallet's device key over DeviceAuthentication and the OpenID4VP
 * SessionTranscript of this request (client_id, nonce, response_uri by redirect; origin and nonce
 * over the DC API; and for an encrypted response the RFC 7638 thumbprint of the verifier's
 * encryption key it goes to).
 */
import { createPrivateKey, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { cborDecode, type DataItem } from '@owf/mdoc';
import type { JsonObject } from '../formats/jose/types.js';
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { readMdocClaims } from '../formats/mdoc/parse-element-value.js';
import { draftDeviceResponse, type HeldIssuerSigned } from '../formats/mdoc/build-device-response.js';
import { openId4VpSessionTranscript, type OpenId4VpHandoverInput } from '../formats/mdoc/verify-device-signature.js';
import { failed } from './wallet-http.js';

const bad = (message: string) => failed(message, 'present_failed');

function readHeldMdoc(issuerSigned: string): HeldIssuerSigned {
  const top: unknown = cborDecode(Buffer.from(issuerSigned, 'base64url'));
  if (!(top instanceof Map) || !(top.get('nameSpaces') instanceof Map) || !Array.isArray(top.get('issuerAuth')))
    throw bad('a held mdoc is not an IssuerSigned');
  const issuerAuth = top.get('issuerAuth') as unknown[];
  const mso: unknown = cborDecode(issuerAuth[2] as Uint8Array);
  if (!(mso instanceof Map) || typeof mso.get('docType') !== 'string') throw bad('a held mdoc has no MSO docType');
  return { docType: mso.get('docType') as string, nameSpaces: top.get('nameSpaces') as Map<string, DataItem[]>, issuerAuth };
}

const itemOf = (d: DataItem) => d.data as Map<string, unknown>;

/** `{ namespace: { element: value } }` of a held mdoc, for matching a DCQL query. */
export function readHeldMdocClaims(issuerSigned: string): { docType: string; claims: JsonObject } {
  const held = readHeldMdoc(issuerSigned);
  const items = [...held.nameSpaces].flatMap(([namespace, list]) =>
    list.map((d) => ({
      namespace,
      digestId: 0,
      elementIdentifier: itemOf(d).get('elementIdentifier') as string,
      elementValue: itemOf(d).get('elementValue'),
      itemBytes: new Uint8Array(),
    })),
  );
  return { docType: held.docType, claims: readMdocClaims(items) };
}

export interface MdocPresentationInput {
  issuerSigned: string;
  /** `[namespace, element]` pointers: exactly these are disclosed. */
  disclose: ClaimPathPointer[];
  deviceJwk: JWK;
  /**
   * What the SessionTranscript binds: client_id, nonce and response_uri by redirect (Annex B.2.6.1),
   * or the origin and nonce over the DC API (B.2.6.2); with the SHA-256 RFC 7638 thumbprint of the
   * verifier key an encrypted response goes to (direct_post.jwt, dc_api.jwt).
   */
  handover: OpenId4VpHandoverInput;
}

/** A base64url DeviceResponse for one OpenID4VP request. */
export function createMdocPresentation(input: MdocPresentationInput): string {
  const draft = draftDeviceResponse(readHeldMdoc(input.issuerSigned), input.disclose, openId4VpSessionTranscript(input.handover));
  const key = createPrivateKey({ key: input.deviceJwk as never, format: 'jwk' });
  const signature = new Uint8Array(sign('sha256', draft.toBeSigned, { key, dsaEncoding: 'ieee-p1363' }));
  return Buffer.from(draft.finish(signature)).toString('base64url');
}
