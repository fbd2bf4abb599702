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
import { badRequest } from '../../errors.js';
import { jwkThumbprint } from '../../keys/jwk-thumbprint.js';
import { decryptEcdhEs, JweError, readEcdhEsHeader } from '../../formats/jose/ecdh-es-jwe.js';
import { parseJson } from '../../formats/jose/parse-json.js';
import { isJsonObject, type JsonObject } from '../../formats/jose/types.js';
import type { PresentationDeps } from '../presentation-deps.js';
import type { ResponseKeyRecord } from '../../store/repositories/response-keys-repo.js';
import { responseKeySealKey } from './response-key-secret.js';
import { openSealedEcdhKey } from '../../keys/sealed-ecdh-key.js';
import { RESPONSE_JWE_ENCS } from './response-modes.js';

export interface OpenedResponse {
  /** The response parameters (§8.1), as a direct_post form would carry them. */
  params: Record<string, unknown>;
  /** The stored key (of one request) that decrypted it: its row, so callers need not read it again. */
  key: ResponseKeyRecord;
  /** RFC 7638 thumbprint (base64url) of that key: an mdoc's SessionTranscript binds it (Annex B.2.6.1). */
  encryptionJkt: string;
}

const FAULT_CODES = {
  malformed: 'response_jwe_malformed',
  alg: 'response_jwe_alg_not_allowed',
  epk: 'response_jwe_epk_invalid',
  kid: 'response_jwe_kid_unknown',
  decrypt: 'response_jwe_decrypt_failed',
} as const;

const asBadRequest = (e: unknown): unknown => (e instanceof JweError ? badRequest(FAULT_CODES[e.fault], e.message) : e);

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
  let kid: string;
  try {
    ({ kid } = readEcdhEsHeader(jwe, RESPONSE_JWE_ENCS, { allowCty: true }));
  } catch (e) {
    throw asBadRequest(e);
  }
  const row = await deps.store.responseKeys.byKid(kid);
  if (!row || !row.sealed_key || row.expires_at <= deps.clock.now())
    throw badRequest('response_jwe_kid_unknown', 'the JWE kid names no key of a pending request');
  const pub = JSON.parse(row.public_jwk ?? '{}') as { x: string; y: string };
  const key = openSealedEcdhKey(responseKeySealKey(deps.config), row.request_id, kid, row.sealed_key, pub);
  if (!key) throw badRequest('response_jwe_decrypt_failed', 'the request key could not be opened');
  let plaintext: Uint8Array;
  try {
    plaintext = await decryptEcdhEs(jwe, key, RESPONSE_JWE_ENCS);
  } catch (e) {
    throw asBadRequest(e);
  }
  let payload: unknown;
  try {
    // Strict UTF-8 (RFC 8259 §8.1): other bytes are refused, not read as U+FFFD.
    payload = parseJson(plaintext, 'jws_malformed');
  } catch (e) {
    // Which rule it broke (not UTF-8, not JSON, a member twice, too deep, __proto__, a number out of range).
    throw badRequest(
      'response_payload_invalid',
      `the decrypted response is not strict JSON: ${e instanceof Error ? e.message : 'invalid JSON'}`,
    );
  }
  if (!isJsonObject(payload)) throw badRequest('response_payload_invalid', 'the decrypted response is not a JSON object');
  return { params: asFormParams(payload), key: row, encryptionJkt: jwkThumbprint({ kty: 'EC', crv: 'P-256', ...pub }) };
}
