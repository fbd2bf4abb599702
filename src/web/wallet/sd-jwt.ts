/**
 * SD-JWT on the holder's side, in the browser (RFC 9901 §4, §7.2).
 *
 * Why not all of src/formats/sd-jwt: its Disclosure code hashes with Node's synchronous
 * `node:crypto` (compute-digest.ts); a browser has only the asynchronous `crypto.subtle.digest`.
 * The serialisation is split by its pure parse-sd-jwt.ts; this file computes the digests up front,
 * applies the Disclosures to show the claims with the rules of RFC 9901 §7.1 steps 3–5 (those of
 * process-disclosures.ts), and leaves choosing Disclosures to the pure claim-path module the
 * server and the CLI wallet use too (src/formats/claim-path/select-disclosures.ts): the
 * Disclosures of the chosen claims plus every Disclosure they hang from (§4.2.6), an array index
 * meaning that one element, in issued order.
 * It adds a KB-JWT (§4.3) signed with the holder's CryptoKey. The server's verifier re-checks
 * everything; this code only has to build a correct answer.
 */
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import { hasOwn, setOwn } from '../../formats/jose/types.js';
import { parseSdJwt, type ParsedSdJwt } from '../../formats/sd-jwt/parse-sd-jwt.js';
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
 * The page decodes the cards kept in the wallet (at every load), and receive-offer.ts decodes a
 * credential the same way before keeping it: a card it cannot read is said in the page's language,
 * not in the words of a parser (jose, JSON.parse), which a Korean page would hide behind its
 * general sentence. `fault` says which part could not be read, for the receiving page's own words.
 */
export class SdJwtUnreadable extends Error {
  constructor(
    /** `form`: not `<JWT>~<Disclosures>~` or no readable JWT (§4); `disclosure`: a Disclosure (§4.2, §7.1 steps 3–5). */
    readonly fault: 'form' | 'disclosure',
    message: string,
  ) {
    super(message);
  }
}
const notSdJwt = (): SdJwtUnreadable =>
  new SdJwtUnreadable('form', t('지갑에 저장된 증명서의 형식이 올바르지 않아 읽을 수 없습니다. 발급기관에 문의하십시오.', 'not an SD-JWT'));
const malformedDisclosure = (): SdJwtUnreadable =>
  new SdJwtUnreadable(
    'disclosure',
    t('지갑에 저장된 증명서에 읽을 수 없는 항목이 있습니다. 발급기관에 문의하십시오.', 'malformed disclosure'),
  );

/** RFC 9901 §4 ABNF: DISCLOSURE = 1*BASE64URL (no padding, no other character). */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** §4.2.1: names a Disclosure may never carry. */
const RESERVED_NAMES = new Set(['_sd', '...', '_sd_alg']);
/** Payload depth plus nesting through Disclosures; deeper is no credential of ours (the server's bound). */
const MAX_DEPTH = 128;

/**
 * An issued SD-JWT (RFC 9901 §4): `<JWT>~<Disclosure 1>~…~<Disclosure N>~`, the trailing `~`
 * included (no KB-JWT after it); every Disclosure a base64url JSON array of 3 (salt, name, value)
 * or 2 (salt, value) members; and every Disclosure's digest referenced exactly once by the signed
 * payload or by another Disclosure, in the place its shape belongs (§7.1 steps 3–5). Anything else
 * throws SdJwtUnreadable. The issuer signature is not checked here (receive-offer.ts does).
 */
export async function decodeSdJwt(text: string): Promise<DecodedSdJwt> {
  let parsed: ParsedSdJwt;
  try {
    parsed = parseSdJwt(text);
  } catch {
    throw notSdJwt();
  }
  // What follows the last `~` is a KB-JWT (§4): an issuer sends none, and a card keeps none.
  if (parsed.kbJwt !== undefined) throw notSdJwt();
  const { jwt, disclosures } = parsed;
  const index = new Map<string, IndexedDisclosure>();
  for (const encoded of disclosures) {
    let arr: unknown;
    try {
      if (!BASE64URL.test(encoded)) throw new TypeError();
      arr = JSON.parse(utf8.decode(base64url.decode(encoded))) as unknown;
    } catch {
      throw malformedDisclosure();
    }
    // §4.2.1: a salt (a string), then a name (a string) and a value, or only a value.
    if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3) || typeof arr[0] !== 'string') throw malformedDisclosure();
    if (arr.length === 3 && typeof arr[1] !== 'string') throw malformedDisclosure();
    const d = arr.length === 3 ? { encoded, name: arr[1] as string, value: arr[2] as Json } : { encoded, value: arr[1] as Json };
    const digest = await sdDigest(encoded);
    // §4: the same Disclosure twice (equal text, equal digest) is refused.
    if (index.has(digest)) throw malformedDisclosure();
    index.set(digest, d);
  }
  let payload: JsonObject;
  let header: Record<string, unknown>;
  try {
    payload = decodeJwt(jwt) as JsonObject;
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    throw notSdJwt();
  }
  // §4.1.1: the digests above are SHA-256; another `_sd_alg` is a hash this wallet does not compute.
  if (hasOwn(payload, '_sd_alg') && payload._sd_alg !== 'sha-256') throw notSdJwt();

  // §7.1 step 4: a digest appears once in the whole SD-JWT; step 5: every Disclosure is referenced.
  const seen = new Set<string>();
  const used = new Set<string>();
  const take = (digest: string): IndexedDisclosure | undefined => {
    if (seen.has(digest)) throw malformedDisclosure();
    seen.add(digest);
    const d = index.get(digest);
    if (d) used.add(digest);
    return d; // none: a decoy or an undisclosed claim
  };
  // §7.1 step 3: the claims with every Disclosure applied, for showing them.
  const walk = (value: Json, depth: number): Json => {
    if (depth > MAX_DEPTH) throw notSdJwt();
    if (Array.isArray(value)) {
      const out: Json[] = [];
      for (const element of value) {
        if (!isObject(element) || !hasOwn(element, '...')) {
          out.push(walk(element, depth + 1));
          continue;
        }
        // §4.2.4.2: `{"...": "<digest>"}`, nothing else; its Disclosure is an array element's (2 members).
        const digest = element['...'];
        if (typeof digest !== 'string' || Object.keys(element).length !== 1) throw notSdJwt();
        const ref = take(digest);
        if (!ref) continue;
        if (ref.name !== undefined) throw malformedDisclosure();
        out.push(walk(ref.value, depth + 1));
      }
      return out;
    }
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [name, member] of Object.entries(value)) {
      if (name === '_sd' || (name === '_sd_alg' && depth === 0)) continue;
      // `...` only in an array element's digest object; `_sd_alg` only at the top (§4.1).
      if (name === '...' || name === '_sd_alg') throw notSdJwt();
      setOwn(out, name, walk(member, depth + 1));
    }
    if (!hasOwn(value, '_sd')) return out;
    const sd = value._sd;
    // §4.2.4.1: `_sd` is an array of digests; each names an object property's Disclosure (3 members).
    if (!Array.isArray(sd) || !sd.every((x) => typeof x === 'string')) throw notSdJwt();
    for (const digest of sd as string[]) {
      const ref = take(digest);
      if (!ref) continue;
      if (ref.name === undefined || RESERVED_NAMES.has(ref.name) || hasOwn(out, ref.name)) throw malformedDisclosure();
      setOwn(out, ref.name, walk(ref.value, depth + 1));
    }
    return out;
  };
  const claims = walk(payload, 0) as JsonObject;
  if (used.size !== index.size) throw malformedDisclosure();
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
