/**
 * ISO/IEC 18013-5 mdocs (`mso_mdoc`) on the holder's side, in the browser.
 *
 * CBOR: @owf/mdoc (with cbor-x) bundles for the browser with esbuild without any Node built-in,
 * so the web wallet decodes with the same library as the CLI wallet and the server: no CBOR by
 * hand. What differs from src/wallet (Node) is the crypto: SHA-256 and ECDSA through
 * crypto.subtle, the device key a non-extractable CryptoKey. The DeviceResponse is assembled by
 * src/formats/mdoc/build-device-response.ts (as in the CLI wallet) over the bytes of
 * build-device-authentication.ts, the very module the server's verifier recomputes them with.
 *
 * Receive (§9.3.1, holder side, as src/wallet/check-received-mdoc.ts): issuerAuth is ES256 and
 * verifies with the document signer certificate of its x5chain (the chain to an IACA is the
 * verifier's check: it holds the trust list), every IssuerSignedItem matches its MSO digest, the
 * docType is the configuration's, and the MSO's device key is our key.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { cborDecode, DataItem, IssuerSigned } from '@owf/mdoc';
import { base64url } from 'jose';
import { isRealPublicJwk } from '../../formats/jose/check-public-jwk.js';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import {
  openId4VpHandover,
  sessionTranscriptOfHandover,
  type OpenId4VpHandoverInput,
} from '../../formats/mdoc/build-device-authentication.js';
import { draftDeviceResponse } from '../../formats/mdoc/build-device-response.js';
import { checkCborLimits } from '../../formats/mdoc/check-cbor-limits.js';
import { readCoseSign1 } from '../../formats/mdoc/parse-cose-sign1.js';
import { t } from '../shared/i18n.js';
import { thumbprint } from './holder-key.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export const MSO_MDOC = 'mso_mdoc';

/**
 * An mdoc the wallet refuses, its message in the page's language: on receipt a Korean sentence of
 * what is wrong (receive-offer.ts adds what to do); the English keeps the ISO detail for support.
 */
export class MdocError extends Error {}

export interface DecodedMdoc {
  kind: 'mdoc';
  docType: string;
  /** `{ namespace: { element: value } }`: what OpenID4VP paths `[namespace, element]` select. */
  claims: JsonObject;
  /** The MSO's Token Status List reference (`{ status_list: { idx, uri } }`), as JSON. */
  status: Json | undefined;
  validUntil: Date;
}

export const isMdoc = (d: object): d is DecodedMdoc => (d as { kind?: unknown }).kind === 'mdoc';

const toJson = (v: unknown): Json => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return base64url.encode(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toJson(x)]));
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object') {
    // @owf/mdoc's DateOnly (full-date, tag 1004) says what it is through toJSON.
    const json = (v as { toJSON?: () => unknown }).toJSON?.();
    if (typeof json === 'string') return json;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  }
  return null;
};

function parse(credential: string): IssuerSigned {
  try {
    return IssuerSigned.fromEncodedForOid4Vci(credential);
  } catch {
    throw new MdocError(t('증명서의 형식이 올바르지 않아 읽을 수 없습니다.', 'the mdoc is not a base64url IssuerSigned'));
  }
}

export const decodeMdoc = (credential: string): DecodedMdoc => describe(parse(credential));

function describe(issuerSigned: IssuerSigned, mso = issuerSigned.issuerAuth.mobileSecurityObject): DecodedMdoc {
  const claims: JsonObject = {};
  for (const [ns, items] of issuerSigned.issuerNamespaces.issuerNamespaces) {
    claims[ns] = Object.fromEntries(items.map((item) => [item.elementIdentifier, toJson(item.elementValue)]));
  }
  const status = mso.decodedStructure.get('status' as never) as unknown;
  return {
    kind: 'mdoc',
    docType: mso.docType,
    claims,
    status: status === undefined ? undefined : toJson(status),
    validUntil: mso.validityInfo.validUntil,
  };
}

/** The elements as `[element, value]`, namespace by namespace (the catalogue labels elements by name). */
export const mdocElements = (d: DecodedMdoc): [string, Json][] =>
  Object.values(d.claims).flatMap((ns) => (ns !== null && typeof ns === 'object' && !Array.isArray(ns) ? Object.entries(ns) : []));

const sha256 = async (bytes: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The document signer's P-256 key from its certificate (importKey refuses a point off the curve). */
async function documentSignerKey(der: Uint8Array): Promise<CryptoKey> {
  try {
    const spki = AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subjectPublicKeyInfo);
    return await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  } catch {
    throw new MdocError(
      t('증명서에 붙은 발급기관의 인증서를 읽을 수 없습니다.', 'the mdoc document signer certificate holds no P-256 key'),
    );
  }
}

/** Checks a freshly issued mdoc (see the file comment); resolves to what the wallet stores of it. */
export async function checkReceivedMdoc(credential: unknown, expected: { docType: unknown; kid: string }): Promise<DecodedMdoc> {
  if (typeof credential !== 'string') throw new MdocError(t('발급기관이 증명서를 보내지 않았습니다.', 'the issuer sent no credential'));
  // The verifier's own walk and COSE_Sign1 reader first (hostile CBOR; RFC 9052 §3: no header
  // label twice, none in both headers), as the CLI wallet does: nothing a verifier refuses is kept.
  try {
    const bytes = base64url.decode(credential);
    checkCborLimits(bytes);
    const raw: unknown = cborDecode(bytes);
    readCoseSign1(raw instanceof Map ? raw.get('issuerAuth') : undefined, 'issuerAuth');
  } catch {
    throw new MdocError(t('발급기관이 보낸 증명서의 형식이 올바르지 않습니다.', 'the mdoc is not a well-formed base64url IssuerSigned'));
  }
  const issuerSigned = parse(credential);
  const auth = issuerSigned.issuerAuth;
  const ds = auth.certificateChain[0];
  if (!ds || auth.signatureAlgorithmName !== 'ES256')
    throw new MdocError(
      t(
        '발급기관이 보낸 증명서에 이 지갑이 확인할 수 있는 발급기관 서명과 인증서가 없습니다.',
        'the mdoc has no ES256 issuerAuth with a document signer certificate',
      ),
    );
  const key = await documentSignerKey(new Uint8Array(ds));
  // RFC 9052 §4.4: COSE's ES256 signature is r‖s, the form WebCrypto verifies.
  const ok = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    new Uint8Array(auth.signature) as BufferSource,
    new Uint8Array(auth.toBeSigned) as BufferSource,
  );
  if (!ok) throw new MdocError(t('발급기관 서명이 맞지 않습니다.', 'the mdoc issuer signature does not verify'));
  const mso = auth.mobileSecurityObject;
  // ISO/IEC 18013-5 §9.1.2.4: each digest is SHA-256 over the IssuerSignedItemBytes.
  for (const [ns, items] of issuerSigned.issuerNamespaces.issuerNamespaces) {
    for (const item of items) {
      const want = mso.valueDigests.getDigestForNamespace(ns, item.digestId);
      if (!want || !sameBytes(await sha256(item.encode({ asDataItem: true })), new Uint8Array(want)))
        throw new MdocError(
          t(
            '증명서의 항목이 발급기관이 서명한 내용과 다릅니다.',
            `the mdoc element ${ns}/${item.elementIdentifier} does not match its digest`,
          ),
        );
    }
  }
  if (mso.docType !== expected.docType)
    throw new MdocError(
      t('발급기관이 보낸 증명서가 발급 제안의 증명서 종류와 다릅니다.', 'the mdoc is of another docType than the configuration'),
    );
  const jwk = deviceJwk(rawMso(auth.payload).get('deviceKeyInfo'));
  if (!jwk || !isRealPublicJwk(jwk) || (await thumbprint(jwk)) !== expected.kid)
    throw new MdocError(t('발급기관이 보낸 증명서가 이 지갑의 키에 묶여 있지 않습니다.', 'the mdoc is not bound to our key'));
  return describe(issuerSigned, mso);
}

/** The MSO as plain CBOR maps, from the issuerAuth payload (MobileSecurityObjectBytes, #6.24). */
function rawMso(payload: Uint8Array | null): Map<unknown, unknown> {
  let mso: unknown = payload instanceof Uint8Array ? cborDecode(payload) : undefined;
  if (mso instanceof DataItem) mso = mso.data;
  if (!(mso instanceof Map)) throw new MdocError(t('발급기관이 보낸 증명서에 발급기관이 서명한 정보가 없습니다.', 'the mdoc has no MSO'));
  return mso;
}

/** §9.1.2.4 deviceKey, a P-256 COSE_Key (RFC 9053 §7.1: kty 2, crv 1, x, y; no private d, -4), as a JWK. */
function deviceJwk(deviceKeyInfo: unknown): JsonWebKey | undefined {
  const key = deviceKeyInfo instanceof Map ? (deviceKeyInfo.get('deviceKey') as unknown) : undefined;
  if (!(key instanceof Map) || key.get(1) !== 2 || key.get(-1) !== 1 || key.has(-4)) return undefined;
  const [x, y] = [key.get(-2) as unknown, key.get(-3) as unknown];
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array)) return undefined;
  return { kty: 'EC', crv: 'P-256', x: base64url.encode(x), y: base64url.encode(y) };
}

export interface MdocAnswerInput {
  /** The stored base64url IssuerSigned. */
  credential: string;
  /** `[namespace, element]` pointers: exactly these are disclosed. */
  disclose: readonly ClaimPathPointer[];
  deviceKey: CryptoKey;
  /**
   * What the SessionTranscript binds: a redirect request's client_id, nonce and Response URI
   * (Annex B.2.6.1), or a Digital Credentials API request's origin and nonce (B.2.6.2); both with
   * the SHA-256 RFC 7638 thumbprint of the verifier key an encrypted answer goes to
   * (direct_post.jwt / dc_api.jwt), null otherwise.
   */
  handover: OpenId4VpHandoverInput;
}

/**
 * A base64url DeviceResponse (§8.3.2.1.2.2) for one OpenID4VP request (Annex B.2.4): the asked
 * IssuerSignedItems byte for byte as issued, empty DeviceNameSpaces, and a DeviceSignature
 * (COSE_Sign1, ES256, detached payload) over DeviceAuthenticationBytes with this request's
 * SessionTranscript (OpenID4VPHandover, or OpenID4VPDCAPIHandover over the Digital Credentials
 * API), as the server's verifier and the CLI wallet compute it.
 */
export async function createMdocAnswer(input: MdocAnswerInput): Promise<string> {
  const top: unknown = cborDecode(base64url.decode(input.credential));
  if (!(top instanceof Map) || !(top.get('nameSpaces') instanceof Map) || !Array.isArray(top.get('issuerAuth')))
    throw new MdocError(
      t(
        '지갑에 보관된 이 증명서를 읽을 수 없어 제출할 수 없습니다. 발급기관에서 증명서를 다시 받으십시오.',
        'a held mdoc is not an IssuerSigned',
      ),
    );
  const held = {
    docType: decodeMdoc(input.credential).docType,
    nameSpaces: top.get('nameSpaces') as Map<string, DataItem[]>,
    issuerAuth: top.get('issuerAuth'),
  };
  const handover = openId4VpHandover(input.handover);
  const transcript = sessionTranscriptOfHandover(handover.name, await sha256(handover.info));
  const draft = draftDeviceResponse(held, input.disclose, transcript);
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, input.deviceKey, draft.toBeSigned as BufferSource),
  );
  return base64url.encode(draft.finish(signature));
}
