/**
 * An ISO/IEC 18013-5 `IssuerSigned` (base64url, OpenID4VCI §A.2.4) as its holder sees it: the
 * docType, each namespace's data elements as JSON (full-dates as `YYYY-MM-DD`, byte strings as
 * base64url, maps as objects), the validity window and the device key the MSO binds.
 */
import { IssuerSigned } from '@owf/mdoc';
import type { JWK } from 'jose';
import type { JsonObject, JsonValue } from '../formats/jose/types.js';

export interface HeldMdoc {
  issuerSigned: IssuerSigned;
  docType: string;
  /** `{ namespace: { element: value } }`: the shape OpenID4VP paths `[namespace, element]` select. */
  claims: JsonObject;
  validFrom: Date;
  validUntil: Date;
  deviceJwk: JWK;
}

const toJson = (v: unknown): JsonValue => {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64url');
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), toJson(x)]));
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    // @owf/mdoc's DateOnly (tag 1004) and tdate values say what they are through toJSON.
    const json = (v as { toJSON?: () => unknown }).toJSON?.();
    if (typeof json === 'string') return json;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  }
  return v as JsonValue;
};

export function readHeldMdoc(credential: string): HeldMdoc {
  const issuerSigned = IssuerSigned.fromEncodedForOid4Vci(credential);
  const mso = issuerSigned.issuerAuth.mobileSecurityObject;
  const claims: JsonObject = {};
  for (const [ns, items] of issuerSigned.issuerNamespaces.issuerNamespaces) {
    claims[ns] = Object.fromEntries(items.map((item) => [item.elementIdentifier, toJson(item.elementValue)]));
  }
  return {
    issuerSigned,
    docType: mso.docType,
    claims,
    validFrom: mso.validityInfo.validFrom,
    validUntil: mso.validityInfo.validUntil,
    deviceJwk: mso.deviceKeyInfo.deviceKey.jwk as JWK,
  };
}
