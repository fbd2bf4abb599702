/**
 * Opens a `direct_post.jwt` answer (OpenID4VP 1.0 §8.3, §8.3.1): `response` is a compact JWE,
 * unsigned (§8.3: "unsigned, encrypted JWT"), to the ephemeral key of one pending request.
 *
 * Checks, in order, before any key is touched:
 * - five base64url segments, the encrypted key empty (ECDH-ES is direct key agreement,
 *   RFC 7518 §4.6) — `response_jwe_malformed`;
 * - `alg` exactly ECDH-ES, `enc` A128GCM or A256GCM (HAIP 1.0 §5), no `zip` or `crit` —
 *   `response_jwe_alg_not_allowed`;
 * - `epk` a P-256 public key on the curve (check-public-jwk.ts; an invalid-curve point would leak
 *   the private scalar) — `response_jwe_epk_invalid`;
 * - `kid` names the key of a pending request (§8.3: the JWE carries the chosen key's kid) —
 *   `response_jwe_kid_unknown`.
 * `apu`/`apv` are optional: OpenID4VP 1.0 sets no value for them; when present they must be
 * base64url strings, and jose feeds them into the Concat KDF (RFC 7518 §4.6.2), so the AEAD tag
 * binds them. Then decryption with only ECDH-ES / A128GCM / A256GCM allowed
 * (`response_jwe_decrypt_failed`) and a JSON object payload (`response_payload_invalid`).
 */
import { createPrivateKey } from 'node:crypto';
import { compactDecrypt } from 'jose';
import { badRequest } from '../../errors.js';
import { jwkThumbprint } from '../../keys/jwk-thumbprint.js';
import { checkPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { parseJsonText } from '../../formats/jose/parse-json.js';
import { isJsonObject, type JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import type { ResponseKeyRecord } from '../../store/repositories/response-keys-repo.js';
import { responseKeySealKey } from './response-key-secret.js';
import { openResponseKey } from './seal-response-key.js';
import { RESPONSE_JWE_ALG, RESPONSE_JWE_ENCS } from './response-modes.js';

const B64U = /^[A-Za-z0-9_-]+$/;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const HEADER_MEMBERS = new Set(['alg', 'enc', 'kid', 'epk', 'apu', 'apv', 'typ', 'cty']);

export interface OpenedResponse {
  /** The response parameters (§8.1), as a direct_post form would carry them. */
  params: Record<string, unknown>;
  /** The stored key (of one request) that decrypted it: its row, so callers need not read it again. */
  key: ResponseKeyRecord;
  /** RFC 7638 thumbprint (base64url) of that key: an mdoc's SessionTranscript binds it (Annex B.2.6.1). */
  encryptionJkt: string;
}

function readHeader(jwe: string): JsonObject {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw badRequest('response_jwe_malformed', 'response is not a compact JWE (five segments)');
  const [h, ek, iv, ct, tag] = parts as [string, string, string, string, string];
  if (ek !== '') throw badRequest('response_jwe_malformed', 'ECDH-ES uses no encrypted key: the second segment must be empty');
  if (![h, iv, ct, tag].every((p) => B64U.test(p))) throw badRequest('response_jwe_malformed', 'a JWE segment is not base64url');
  let header: unknown;
  try {
    header = parseJsonText(Buffer.from(h, 'base64url').toString('utf8'), 'jws_malformed');
  } catch {
    throw badRequest('response_jwe_malformed', 'the JWE protected header is not JSON');
  }
  if (!isJsonObject(header)) throw badRequest('response_jwe_malformed', 'the JWE protected header is not a JSON object');
  return header;
}

function checkHeader(header: JsonObject): string {
  if (header.alg !== RESPONSE_JWE_ALG) throw badRequest('response_jwe_alg_not_allowed', 'alg must be ECDH-ES');
  if (typeof header.enc !== 'string' || !(RESPONSE_JWE_ENCS as readonly string[]).includes(header.enc))
    throw badRequest('response_jwe_alg_not_allowed', 'enc must be A128GCM or A256GCM');
  if (Object.keys(header).some((k) => !HEADER_MEMBERS.has(k)))
    throw badRequest('response_jwe_alg_not_allowed', 'the JWE header carries a member this verifier does not process (zip, crit, …)');
  try {
    const epk = checkPublicJwk(header.epk);
    if (epk.kty !== 'EC') throw new Error('not P-256');
  } catch {
    throw badRequest('response_jwe_epk_invalid', 'epk is not a P-256 public key on the curve');
  }
  for (const m of ['apu', 'apv'] as const) {
    if (header[m] !== undefined && (typeof header[m] !== 'string' || !B64U.test(header[m])))
      throw badRequest('response_jwe_malformed', `${m} must be base64url`);
  }
  if (typeof header.kid !== 'string' || !KID.test(header.kid))
    throw badRequest('response_jwe_kid_unknown', 'the JWE names no kid of a request key');
  return header.kid;
}

/** Response parameters as form values: vp_token (a JSON object in the payload) becomes its JSON text. */
function asFormParams(payload: JsonObject): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) params[k] = k === 'vp_token' && isJsonObject(v) ? JSON.stringify(v) : v;
  return params;
}

export async function openEncryptedResponse(
  deps: Pick<PresentationDeps, 'store' | 'config' | 'clock'>,
  jwe: string,
): Promise<OpenedResponse> {
  const kid = checkHeader(readHeader(jwe));
  const row = await deps.store.responseKeys.byKid(kid);
  if (!row || !row.sealed_key || row.expires_at <= deps.clock.now())
    throw badRequest('response_jwe_kid_unknown', 'the JWE kid names no key of a pending request');
  const d = openResponseKey(responseKeySealKey(deps.config), row.request_id, kid, row.sealed_key);
  const pub = JSON.parse(row.public_jwk ?? '{}') as { x: string; y: string };
  if (!d) throw badRequest('response_jwe_decrypt_failed', 'the request key could not be opened');
  const key = createPrivateKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, d } });
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: [RESPONSE_JWE_ALG],
      contentEncryptionAlgorithms: [...RESPONSE_JWE_ENCS],
    }));
  } catch {
    throw badRequest('response_jwe_decrypt_failed', 'the JWE does not decrypt with the key its kid names');
  }
  let payload: unknown;
  try {
    payload = parseJsonText(Buffer.from(plaintext).toString('utf8'), 'jws_malformed');
  } catch {
    throw badRequest('response_payload_invalid', 'the decrypted response is not JSON');
  }
  if (!isJsonObject(payload)) throw badRequest('response_payload_invalid', 'the decrypted response is not a JSON object');
  return { params: asFormParams(payload), key: row, encryptionJkt: jwkThumbprint({ kty: 'EC', crv: 'P-256', ...pub }) };
}
