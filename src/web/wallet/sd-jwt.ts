/**
 * SD-JWT on the holder's side, in the browser (RFC 9901 §4, §7.2).
 *
 * Why not src/formats/sd-jwt: that code hashes with Node's synchronous `createHash` and decodes
 * with `Buffer`; a browser has neither, only the asynchronous `crypto.subtle.digest`. This file
 * does the same walk with digests computed up front: decode each Disclosure, find where it is
 * referenced (an `_sd` digest or a `{"...": digest}` array element), and record its claim path in
 * the notation of src/formats/sd-jwt/present-sd-jwt.ts (`address.locality`, `driving_privileges[]`).
 * Presenting keeps the Disclosures under the chosen paths plus every Disclosure they hang from
 * (§4.2.6), in issued order, and adds a KB-JWT (§4.3) signed with the holder's CryptoKey.
 * The server's verifier re-checks everything; this code only has to build a correct answer.
 */
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';
import { signJws } from './holder-key.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface DisclosureEntry {
  encoded: string;
  /** Claim path of the disclosed value. */
  path: string;
  /** Disclosures this one is nested in (outermost first). */
  parents: string[];
}

export interface DecodedSdJwt {
  jwt: string;
  header: Record<string, unknown>;
  payload: JsonObject;
  /** The claims with every Disclosure applied (`_sd`, `_sd_alg` and `...` removed). */
  claims: JsonObject;
  disclosures: string[];
  entries: DisclosureEntry[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

/** base64url(SHA-256(ascii)), RFC 9901 §4.2.3. */
export async function sdDigest(ascii: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(ascii))));
}

const join = (path: string, name: string) => (path === '' ? name : `${path}.${name}`);

export async function decodeSdJwt(text: string): Promise<DecodedSdJwt> {
  const parts = text.split('~');
  if (parts.length < 2 || parts[0] === '') throw new Error('not an SD-JWT');
  const jwt = parts[0]!;
  const disclosures = parts.slice(1, -1);
  const index = new Map<string, { encoded: string; name?: string; value: Json }>();
  for (const encoded of disclosures) {
    const arr = JSON.parse(utf8.decode(base64url.decode(encoded))) as unknown;
    if (!Array.isArray(arr) || (arr.length !== 2 && arr.length !== 3)) throw new Error('malformed disclosure');
    const d = arr.length === 3 ? { encoded, name: String(arr[1]), value: arr[2] as Json } : { encoded, value: arr[1] as Json };
    index.set(await sdDigest(encoded), d);
  }
  const payload = decodeJwt(jwt) as JsonObject;
  const entries: DisclosureEntry[] = [];

  const walk = (value: Json, path: string, parents: string[]): Json => {
    if (Array.isArray(value)) {
      const out: Json[] = [];
      for (const element of value) {
        const ref = isObject(element) && typeof element['...'] === 'string' ? index.get(element['...']) : undefined;
        if (isObject(element) && '...' in element && !ref) continue; // undisclosed element or decoy
        if (ref) {
          entries.push({ encoded: ref.encoded, path: `${path}[]`, parents });
          out.push(walk(ref.value, `${path}[]`, [...parents, ref.encoded]));
        } else {
          out.push(walk(element, `${path}[]`, parents));
        }
      }
      return out;
    }
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [name, member] of Object.entries(value)) {
      if (name === '_sd' || name === '_sd_alg') continue;
      out[name] = walk(member, join(path, name), parents);
    }
    for (const digest of Array.isArray(value._sd) ? value._sd : []) {
      const ref = typeof digest === 'string' ? index.get(digest) : undefined;
      if (!ref || ref.name === undefined) continue;
      const p = join(path, ref.name);
      entries.push({ encoded: ref.encoded, path: p, parents });
      out[ref.name] = walk(ref.value, p, [...parents, ref.encoded]);
    }
    return out;
  };
  const claims = walk(payload, '', []) as JsonObject;
  return { jwt, header: decodeProtectedHeader(jwt) as Record<string, unknown>, payload, claims, disclosures, entries };
}

/** True when `path` is `chosen` or lies beneath it. */
const under = (path: string, chosen: string) => path === chosen || path.startsWith(`${chosen}.`) || path.startsWith(`${chosen}[]`);

/** `<JWT>~<chosen Disclosures>~` (RFC 9901 §7.2 steps 1–4). */
export function selectDisclosures(sd: DecodedSdJwt, paths: readonly string[]): string {
  const keep = new Set<string>();
  for (const e of sd.entries) {
    if (paths.some((p) => under(e.path, p))) {
      keep.add(e.encoded);
      for (const parent of e.parents) keep.add(parent);
    }
  }
  return `${sd.jwt}~${sd.disclosures.filter((d) => keep.has(d)).map((d) => `${d}~`).join('')}`;
}

/** The SD-JWT+KB a verifier receives: chosen Disclosures and a KB-JWT for its `aud` and `nonce` (§4.3). */
export async function createPresentation(sd: DecodedSdJwt, paths: readonly string[], holderKey: CryptoKey, aud: string, nonce: string): Promise<string> {
  const sdJwt = selectDisclosures(sd, paths);
  const kb = await signJws({ typ: 'kb+jwt' }, { iat: Math.floor(Date.now() / 1000), aud, nonce, sd_hash: await sdDigest(sdJwt) }, holderKey);
  return `${sdJwt}${kb}`;
}

/** OpenID4VP claims path pointer (§7) → our dotted path (`null` and indexes become `[]`). */
export function pointerToPath(pointer: readonly (string | number | null)[]): string {
  let out = '';
  for (const seg of pointer) out = typeof seg === 'string' ? join(out, seg) : `${out}[]`;
  return out;
}

/** Reads a value at a dotted path from reconstructed claims (first element for `[]`). */
export function valueAt(claims: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = claims;
  for (const seg of path.split('.')) {
    const arr = seg.endsWith('[]');
    const name = arr ? seg.slice(0, -2) : seg;
    if (!isObject(cur)) return undefined;
    cur = cur[name];
    if (arr) cur = Array.isArray(cur) ? cur : undefined;
  }
  return cur;
}

/** Claims that are not about the holder (registered JWT / SD-JWT VC members). */
export const TECHNICAL_CLAIMS = new Set(['iss', 'iat', 'exp', 'nbf', 'cnf', 'status', 'vct', 'vct#integrity', 'sub', 'jti']);
