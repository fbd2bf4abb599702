/**
 * The vp_token of an `mso_mdoc` credential query (OpenID4VP 1.0 Annex B.2.4): a base64url
 * `DeviceResponse` (ISO/IEC 18013-5 §8.3.2.1.2.2). Steps, no crypto yet:
 *
 * 1. base64url, then our hostile-CBOR walk (check-cbor-limits.ts) before any library sees it;
 * 2. the structure validated by @owf/mdoc (`DeviceResponse.decode`: version, documents,
 *    issuerSigned, issuerAuth, the MSO with its validityInfo and valueDigests);
 * 3. the byte-exact parts the signatures and digests are computed over, read from the same
 *    bytes: issuerAuth's protected header and payload, each IssuerSignedItemBytes (#6.24) and
 *    the DeviceNameSpacesBytes — never re-encoded, since another encoder may order or size them
 *    differently (ISO 18013-5 §9.1.2.4: the digest is over the bytes as issued).
 *
 * Exactly one document per presentation: a DCQL credential query is answered by one credential.
 */
import { cborDecode, DataItem, DeviceResponse, MobileSecurityObject } from '@owf/mdoc';
import { formatError } from '../error-codes.js';
import { checkCborLimits } from './check-cbor-limits.js';
import { readCoseSign1, type CoseSign1 } from './parse-cose-sign1.js';
import { wrapTag24 } from './build-device-authentication.js';
import { looksLikeDeviceResponse } from './looks-like-device-response.js';

export interface DisclosedItem {
  namespace: string;
  digestId: number;
  elementIdentifier: string;
  elementValue: unknown;
  /** `IssuerSignedItemBytes`: the #6.24-wrapped item exactly as received (what the digest covers). */
  itemBytes: Uint8Array;
}

export interface ParsedMdoc {
  docType: string;
  issuerAuth: CoseSign1;
  /** The MSO as @owf/mdoc validated it. */
  mso: MobileSecurityObject;
  /** The same MSO as raw CBOR maps (for the entries @owf/mdoc does not model, e.g. the device key as a COSE_Key). */
  msoMap: Map<unknown, unknown>;
  /** The MSO's `status` entry (Token Status List, COSE Referenced Token §6.3), unread. */
  msoStatus: unknown;
  items: DisclosedItem[];
  deviceAuth: { kind: 'signature'; sign1: CoseSign1 } | { kind: 'mac' };
  /** `DeviceNameSpacesBytes` (#6.24) exactly as received. */
  deviceNameSpacesBytes: Uint8Array;
}

const malformed = (message: string) => formatError('mdoc_malformed', message);
const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;

function dataItemBytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof DataItem)) throw malformed(`${what} is not embedded CBOR (#6.24)`);
  return v.buffer;
}

function readItems(nameSpaces: unknown): DisclosedItem[] {
  if (nameSpaces === undefined) return [];
  if (!isMap(nameSpaces)) throw malformed('issuerSigned.nameSpaces is not a map');
  const items: DisclosedItem[] = [];
  for (const [namespace, list] of nameSpaces) {
    if (typeof namespace !== 'string' || !Array.isArray(list) || list.length === 0) throw malformed('a namespace is not a non-empty array');
    const seen = new Set<string>();
    for (const raw of list) {
      const inner = dataItemBytes(raw, 'an IssuerSignedItem');
      const item: unknown = cborDecode(inner);
      if (!isMap(item)) throw malformed('an IssuerSignedItem is not a map');
      const digestId = item.get('digestID');
      const elementIdentifier = item.get('elementIdentifier');
      if (!Number.isSafeInteger(digestId) || (digestId as number) < 0 || typeof elementIdentifier !== 'string' || !item.has('elementValue'))
        throw malformed('an IssuerSignedItem lacks digestID, elementIdentifier or elementValue');
      if (!(item.get('random') instanceof Uint8Array)) throw malformed('an IssuerSignedItem has no random bytes');
      // The same element twice would let a holder pick which value a verifier sees.
      if (seen.has(elementIdentifier)) throw malformed(`${namespace}/${elementIdentifier} is disclosed twice`);
      seen.add(elementIdentifier);
      items.push({
        namespace,
        digestId: digestId as number,
        elementIdentifier,
        elementValue: item.get('elementValue'),
        itemBytes: wrapTag24(inner),
      });
    }
  }
  return items;
}

function readDeviceAuth(deviceSigned: unknown): Pick<ParsedMdoc, 'deviceAuth' | 'deviceNameSpacesBytes'> {
  if (!isMap(deviceSigned)) throw malformed('deviceSigned is missing');
  const deviceNameSpacesBytes = wrapTag24(dataItemBytes(deviceSigned.get('nameSpaces'), 'deviceSigned.nameSpaces'));
  const deviceAuth = deviceSigned.get('deviceAuth');
  if (!isMap(deviceAuth)) throw malformed('deviceAuth is missing');
  if (deviceAuth.has('deviceMac')) return { deviceNameSpacesBytes, deviceAuth: { kind: 'mac' } };
  if (!deviceAuth.has('deviceSignature')) throw malformed('deviceAuth has neither deviceSignature nor deviceMac');
  return {
    deviceNameSpacesBytes,
    deviceAuth: { kind: 'signature', sign1: readCoseSign1(deviceAuth.get('deviceSignature'), 'deviceSignature') },
  };
}

/**
 * ISO 18013-5 §8.3.2.1.2.2: the DeviceResponse version is "1.0". Exactly that: 18013-5:2021 and
 * OpenID4VP 1.0 Annex B.2 define no other version of the response, and a later one could carry
 * members this verifier does not know to check, so it is refused rather than read as 1.0.
 */
function checkVersion(version: string): void {
  if (version !== '1.0') throw malformed(`the DeviceResponse version is ${JSON.stringify(version)}, not "1.0"`);
}

/** ISO 18013-5 §8.3.2.1.2.3 (Table 8): the status codes a DeviceResponse may carry. */
const WALLET_ERROR_STATUS: Readonly<Record<number, string>> = {
  10: 'general error',
  11: 'CBOR decoding error',
  12: 'CBOR validation error',
};

/**
 * §8.3.2.1.2.3: status 0 is OK; 10, 11 and 12 are the wallet telling us it failed (what it sent
 * holds no document to verify, and that is not the same as a response holding none or two); any
 * other number is no status ISO defines, so the response is not a DeviceResponse.
 */
function checkResponseStatus(status: number): void {
  if (status === 0) return;
  const error = WALLET_ERROR_STATUS[status];
  if (error === undefined) throw malformed(`the DeviceResponse status ${status} is not one ISO 18013-5 defines (0, 10, 11, 12)`);
  throw formatError('mdoc_device_response_error', `the wallet reports status ${status} (${error}) instead of a document`);
}

/** A base64url DeviceResponse, or undefined when `text` cannot be one (a JWT, an SD-JWT). */
export function parseDeviceResponse(text: string): ParsedMdoc | undefined {
  if (!looksLikeDeviceResponse(text)) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  checkCborLimits(bytes);
  // One CBOR decode: @owf/mdoc validates the structure from it (what DeviceResponse.decode does
  // after its own cborDecode) and we read the byte-exact parts from the same maps below.
  let raw: unknown;
  let response: DeviceResponse;
  try {
    raw = cborDecode(bytes);
    response = DeviceResponse.fromEncodedStructure(raw as never);
  } catch {
    throw malformed('not an ISO 18013-5 DeviceResponse');
  }
  checkVersion(response.version);
  checkResponseStatus(response.status);
  if (response.documents?.length !== 1)
    throw formatError('mdoc_document_count', `the DeviceResponse holds ${response.documents?.length ?? 0} documents, not exactly one`);
  const document = response.documents[0]!;
  // MobileSecurityObjectBytes (#6.24), decoded once: what @owf/mdoc's `mobileSecurityObject` getter
  // does (it insists on the tag too), keeping the raw maps for what the library does not model.
  let mso: MobileSecurityObject;
  let msoMap: unknown;
  try {
    const payload: unknown = cborDecode(document.issuerSigned.issuerAuth.payload!, { unwrapTopLevelDataItem: false });
    msoMap = payload instanceof DataItem ? payload.data : undefined;
    mso = MobileSecurityObject.fromEncodedStructure(msoMap as never);
  } catch {
    throw malformed('the MSO is not a MobileSecurityObject');
  }
  if (!isMap(msoMap)) throw malformed('the MSO is not a map');
  const rawDocument: unknown = isMap(raw) && Array.isArray(raw.get('documents')) ? (raw.get('documents') as unknown[])[0] : undefined;
  if (!isMap(rawDocument) || typeof rawDocument.get('docType') !== 'string') throw malformed('the document has no docType');
  const issuerSigned = rawDocument.get('issuerSigned');
  if (!isMap(issuerSigned)) throw malformed('issuerSigned is missing');
  const issuerAuth = readCoseSign1(issuerSigned.get('issuerAuth'), 'issuerAuth');
  if (issuerAuth.payload === null) throw malformed('issuerAuth has no payload');
  return {
    docType: rawDocument.get('docType') as string,
    issuerAuth,
    mso,
    msoMap,
    msoStatus: mso.decodedStructure.get('status' as never),
    items: readItems(issuerSigned.get('nameSpaces')),
    ...readDeviceAuth(rawDocument.get('deviceSigned')),
  };
}
