/**
 * Compact JWEs with ECDH-ES (direct key agreement, RFC 7518 §4.6) on P-256 and A128GCM / A256GCM,
 * the one profile both OpenID4VP `direct_post.jwt` (§8.3, HAIP 1.0 §5) and OpenID4VCI encrypted
 * requests and responses (§10) use. jose does the cryptography; what is ours is the strict
 * reading of the header before any key is touched, shared by every place that opens such a JWE:
 *
 * - five base64url segments, the encrypted key empty (ECDH-ES uses none) — `malformed`;
 * - `alg` exactly ECDH-ES, `enc` one of the caller's list, no member we do not process (`zip`,
 *   `crit`, `cty`: no compression, no nested JWT) — `alg`;
 * - `epk` a P-256 public key on the curve (the curve-point gate, check-public-jwk.ts: an
 *   invalid-curve point would leak the private scalar) — `epk`;
 * - `apu` / `apv`, when present, base64url (jose feeds them into the Concat KDF) — `malformed`;
 * - `kid` a short opaque string — `kid`.
 * Callers map each fault to their own error code.
 */
import { CompactEncrypt, compactDecrypt, importJWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { checkPublicJwk } from './check-public-jwk.js';
import { parseJson } from './parse-json.js';
import { isJsonObject, type JsonObject } from './types.js';

export const JWE_ALG = 'ECDH-ES';
export const JWE_ENCS = ['A128GCM', 'A256GCM'] as const;
export type JweEnc = (typeof JWE_ENCS)[number];

export type JweFault = 'malformed' | 'alg' | 'epk' | 'kid' | 'decrypt';

export class JweError extends Error {
  constructor(
    readonly fault: JweFault,
    message: string,
  ) {
    super(message);
    this.name = 'JweError';
  }
}

const B64U = /^[A-Za-z0-9_-]+$/;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const HEADER_MEMBERS = new Set(['alg', 'enc', 'kid', 'epk', 'apu', 'apv', 'typ']);

export interface EcdhEsHeader {
  header: JsonObject;
  kid: string;
  enc: JweEnc;
}

/** The protected header of an ECDH-ES compact JWE, checked (see above); throws JweError. */
export function readEcdhEsHeader(jwe: string, encs: readonly JweEnc[] = JWE_ENCS, opts: { allowCty?: boolean } = {}): EcdhEsHeader {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new JweError('malformed', 'not a compact JWE (five segments)');
  const [h, ek, iv, ct, tag] = parts as [string, string, string, string, string];
  if (ek !== '') throw new JweError('malformed', 'ECDH-ES uses no encrypted key: the second segment must be empty');
  if (![h, iv, ct, tag].every((p) => B64U.test(p))) throw new JweError('malformed', 'a JWE segment is not base64url');
  let header: unknown;
  try {
    // Strict UTF-8 (RFC 7516 §5.2 step 3, RFC 8259 §8.1): other bytes are refused, not read as U+FFFD.
    header = parseJson(Buffer.from(h, 'base64url'), 'jws_malformed');
  } catch {
    throw new JweError('malformed', 'the JWE protected header is not JSON');
  }
  if (!isJsonObject(header)) throw new JweError('malformed', 'the JWE protected header is not a JSON object');
  if (header.alg !== JWE_ALG) throw new JweError('alg', 'alg must be ECDH-ES');
  if (typeof header.enc !== 'string' || !(encs as readonly string[]).includes(header.enc))
    throw new JweError('alg', `enc must be ${encs.join(' or ')}`);
  if (Object.keys(header).some((k) => !HEADER_MEMBERS.has(k) && !(opts.allowCty && k === 'cty')))
    throw new JweError('alg', 'the JWE header carries a member that is not processed here (zip, crit, cty: no compression, no nesting)');
  try {
    const epk = checkPublicJwk(header.epk);
    if (epk.kty !== 'EC') throw new Error('not P-256');
  } catch {
    throw new JweError('epk', 'epk is not a P-256 public key on the curve');
  }
  for (const m of ['apu', 'apv'] as const) {
    if (header[m] !== undefined && (typeof header[m] !== 'string' || !B64U.test(header[m])))
      throw new JweError('malformed', `${m} must be base64url`);
  }
  if (typeof header.kid !== 'string' || !KID.test(header.kid)) throw new JweError('kid', 'the JWE names no kid of a known key');
  return { header, kid: header.kid, enc: header.enc as JweEnc };
}

/** The plaintext, decrypted with only ECDH-ES and `encs` allowed; throws JweError('decrypt'). */
export async function decryptEcdhEs(jwe: string, key: KeyObject, encs: readonly JweEnc[] = JWE_ENCS): Promise<Uint8Array> {
  try {
    const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: [JWE_ALG], contentEncryptionAlgorithms: [...encs] });
    return plaintext;
  } catch {
    throw new JweError('decrypt', 'the JWE does not decrypt with the key its kid names');
  }
}

/** A recipient's public ECDH-ES key (already through the curve-point gate), its `kid` and the `enc` to use. */
export interface JweRecipient {
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string } | Record<string, unknown>;
  kid: string | undefined;
  enc: JweEnc;
}

/** A JSON value as an unsigned compact JWE to `to` (the key's `kid` repeated in the header: OpenID4VP §8.3, OpenID4VCI §10). */
export async function encryptJsonJwe(value: unknown, to: JweRecipient): Promise<string> {
  const key = await importJWK(to.jwk, JWE_ALG);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(value)))
    .setProtectedHeader({ alg: JWE_ALG, enc: to.enc, ...(to.kid !== undefined && { kid: to.kid }) })
    .encrypt(key);
}
