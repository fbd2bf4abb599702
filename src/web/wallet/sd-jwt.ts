/**
 * SD-JWT on the holder's side, in the browser (RFC 9901 §4, §7.2).
 *
 * Why not src/formats/sd-jwt: that code hashes with Node's synchronous `createHash` and decodes
 * with `Buffer`; a browser has neither, only the asynchronous `crypto.subtle.digest`. This file
 * computes the digests up front, applies the Disclosures to show the claims, and leaves choosing
 * Disclosures to the pure claim-path module the server and the CLI wallet use too
 * (src/formats/claim-path/select-disclosures.ts): the Disclosures of the chosen claims plus every
 * Disclosure they hang from (§4.2.6), an array index meaning that one element, in issued order.
 * It adds a KB-JWT (§4.3) signed with the holder's CryptoKey. The server's verifier re-checks
 * everything; this code only has to build a correct answer.
 */
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import { selectDisclosures as chooseDisclosures, type IndexedDisclosure } from '../../formats/claim-path/select-disclosures.js';
import { signJws } from './holder-key.js';
import { t } from '../shared/i18n.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface DecodedSdJwt {
  jwt: string;
  header: Record<string, unknown>;
  payload: JsonObject;
  /** The claims with every Disclosure applied (`_sd`, `_sd_alg` and `...` removed). */
  claims: JsonObject;
  disclosures: string[];
  /** Disclosures by digest (RFC 9901 §4.2.3). */
  index: Map<string, IndexedDisclosure>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Strict UTF-8: bytes that are not are refused, not read as U+FFFD (RFC 8259 §8.1). */
export const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

/** base64url(SHA-256(ascii)), RFC 9901 §4.2.3. */
export async function sdDigest(ascii: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(ascii))));
}

/*
 * The page decodes the cards kept in the wallet (at every load): a card it cannot read is said in
 * the page's language, not in the words of a parser (jose, JSON.parse), which a Korean page would
 * hide behind its general sentence.
 */
const notSdJwt = (): Error =>
  new Error(t('지갑에 저장된 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 발급기관에 문의하십시오.', 'not an SD-JWT'));
const malformedDisclosure = (): Error =>
  new Error(t('지갑에 저장된 증명서에 읽을 수 없는 항목이 있습니다. 발급기관에 문의하십시오.', 'malformed disclosure'));

export async function decodeSdJwt(text: string): Promise<DecodedSdJwt> {
  const parts = text.split('~');
  if (parts.length < 2 || parts[0] === '') throw notSdJwt();
  const jwt = parts[0]!;
  const disclosures = parts.slice(1, -1);
  const index = new Map<string, IndexedDisclosure>();
  for (const encoded of disclosures) {
    let arr: unknown;
    try {
      arr = JSON.parse(utf8.decode(base64url.decode(encoded))) as unknown;
    } catch {
      throw malformedDisclosure();
    }
    if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) throw malformedDisclosure();
    const d = arr.length === 3 ? { encoded, name: String(arr[1]), value: arr[2] as Json } : { encoded, value: arr[1] as Json };
    index.set(await sdDigest(encoded), d);
  }
  let payload: JsonObject;
  let header: Record<string, unknown>;
  try {
    payload = decodeJwt(jwt) as JsonObject;
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    throw notSdJwt();
  }

  // RFC 9901 §7.1 step 3: the claims with every Disclosure applied, for showing them.
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      for (const element of value) {
        const ref = isObject(element) && typeof element['...'] === 'string' ? index.get(element['...']) : undefined;
        if (isObject(element) && '...' in element && !ref) continue; // undisclosed element or decoy
        out.push(walk(ref ? ref.value : element));
      }
      return out;
    }
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [name, member] of Object.entries(value)) {
      if (name === '_sd' || name === '_sd_alg') continue;
      out[name] = walk(member);
    }
    for (const digest of Array.isArray(value._sd) ? value._sd : []) {
      const ref = typeof digest === 'string' ? index.get(digest) : undefined;
      if (ref && ref.name !== undefined) out[ref.name] = walk(ref.value);
    }
    return out;
  };
  const claims = walk(payload) as JsonObject;
  return { jwt, header, payload, claims, disclosures, index };
}

/** True when some Disclosure lies at or beneath the claim: the holder can leave it out. */
export const isDisclosable = (sd: DecodedSdJwt, pointer: ClaimPathPointer): boolean =>
  chooseDisclosures(sd.payload, sd.index, [pointer]).disclosures.size > 0;

/** `<JWT>~<chosen Disclosures>~` (RFC 9901 §7.2 steps 1–4): exactly the claims the pointers select. */
export function selectDisclosures(sd: DecodedSdJwt, pointers: readonly ClaimPathPointer[]): string {
  const { disclosures } = chooseDisclosures(sd.payload, sd.index, pointers);
  return `${sd.jwt}~${sd.disclosures
    .filter((d) => disclosures.has(d))
    .map((d) => `${d}~`)
    .join('')}`;
}

/** The SD-JWT+KB a verifier receives: chosen Disclosures and a KB-JWT for its `aud` and `nonce` (§4.3). */
export async function createPresentation(
  sd: DecodedSdJwt,
  pointers: readonly ClaimPathPointer[],
  holderKey: CryptoKey,
  aud: string,
  nonce: string,
): Promise<string> {
  const sdJwt = selectDisclosures(sd, pointers);
  const kb = await signJws(
    { typ: 'kb+jwt' },
    { iat: Math.floor(Date.now() / 1000), aud, nonce, sd_hash: await sdDigest(sdJwt) },
    holderKey,
  );
  return `${sdJwt}${kb}`;
}

/** Claims that are not about the holder (registered JWT / SD-JWT VC members). */
export const TECHNICAL_CLAIMS = new Set(['iss', 'iat', 'exp', 'nbf', 'cnf', 'status', 'vct', 'vct#integrity', 'sub', 'jti']);
