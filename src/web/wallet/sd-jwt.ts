/**
 * SD-JWT on the holder's side, in the browser (RFC 9901 §4, §7.2).
 *
 * Why not all of src/formats/sd-jwt: its Disclosure code hashes with Node's synchronous
 * `node:crypto` (compute-digest.ts); a browser has only the asynchronous `crypto.subtle.digest`.
 * The serialisation is split by its pure parse-sd-jwt.ts; this file computes the digests up front,
 * applies the Disclosures to show the claims with the server's pure apply-disclosures.ts (RFC 9901
 * §7.1 steps 3–5), and leaves choosing Disclosures to the pure claim-path module the
 * server and the CLI wallet use too (src/formats/claim-path/select-disclosures.ts): the
 * Disclosures of the chosen claims plus every Disclosure they hang from (§4.2.6), an array index
 * meaning that one element, in issued order.
 * It adds a KB-JWT (§4.3) signed with the holder's CryptoKey. The server's verifier re-checks
 * everything; this code only has to build a correct answer.
 */
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import type { ClaimPathPointer } from '../../formats/claim-path/claim-path-pointer.js';
import type { JsonObject as FormatsJsonObject } from '../../formats/jose/types.js';
import { FormatError } from '../../formats/format-error.js';
import { checkBase64url } from '../../formats/jose/base64url.js';
import { readDisclosure } from '../../formats/sd-jwt/read-disclosure.js';
import { processIndexedDisclosures } from '../../formats/sd-jwt/apply-disclosures.js';
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

/** Refusals of apply-disclosures.ts that are about a Disclosure; the rest are about the form of the payload. */
const DISCLOSURE_FAULTS: ReadonlySet<string> = new Set([
  'sd_jwt_duplicate_digest',
  'sd_jwt_disclosure_wrong_shape',
  'sd_jwt_reserved_claim_name',
  'sd_jwt_claim_collision',
  'sd_jwt_unreferenced_disclosure',
]);

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
    const digest = await sdDigest(encoded);
    let d: IndexedDisclosure;
    try {
      // The server's rules (read-disclosure.ts): canonical base64url, strict JSON, §4.2.1's shape.
      checkBase64url(encoded, 'sd_jwt_disclosure_malformed');
      d = readDisclosure(encoded, digest, base64url.decode(encoded));
    } catch {
      throw malformedDisclosure();
    }
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
  // §4.1.1 and §7.1 steps 3–5 by the server's own module: `_sd_alg` (the digests above are
  // SHA-256), each digest once, each Disclosure referenced once in the place its shape belongs.
  let claims: JsonObject;
  try {
    claims = processIndexedDisclosures(payload as FormatsJsonObject, index).claims as JsonObject;
  } catch (e) {
    throw e instanceof FormatError && DISCLOSURE_FAULTS.has(e.code) ? malformedDisclosure() : notSdJwt();
  }
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
