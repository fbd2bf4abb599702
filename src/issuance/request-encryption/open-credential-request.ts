/**
 * Encrypted credential and deferred credential requests (OpenID4VCI 1.0 §8.2, §9.1, §10): the
 * body is a compact JWE (`application/jwt`), ECDH-ES to one of our request keys (its `kid` picks
 * it), A128GCM or A256GCM, no `zip`, and its plaintext is the JSON request itself (a JSON object,
 * strict and depth-bounded: no nested JWT). Every refusal is `invalid_encryption_parameters`
 * (§8.3.1.2), raised while the body is read, so nothing (c_nonce, token, offer) is consumed.
 */
import { AppError } from '../../errors.js';
import { decryptEcdhEs, JWE_ENCS, JweError, readEcdhEsHeader } from '../../formats/jose/ecdh-es-jwe.js';
import { parseJsonObject } from '../../formats/jose/parse-json.js';
import { hasOwn, type JsonObject } from '../../formats/jose/types.js';
import type { Config } from '../../config.js';
import { requestKeyByKid, requestKeys, type RequestKeyDeps } from './request-encryption-keys.js';

const invalid = (message: string) => new AppError('invalid_encryption_parameters', message, { status: 400 });

/** §12.2.4 `credential_request_encryption`: our current (and grace-period previous) keys, no compression. */
export async function requestEncryptionMetadata(deps: RequestKeyDeps) {
  return {
    jwks: { keys: await requestKeys(deps) },
    enc_values_supported: [...JWE_ENCS],
    encryption_required: deps.config.requestEncryptionRequired,
  };
}

/** The JSON request inside an encrypted credential request. */
export async function openCredentialRequest(deps: RequestKeyDeps, jwe: string): Promise<JsonObject> {
  try {
    const { kid } = readEcdhEsHeader(jwe.trim());
    const key = await requestKeyByKid(deps, kid);
    if (!key) throw invalid('the JWE kid names no current key of credential_request_encryption.jwks; fetch the issuer metadata again');
    const plaintext = await decryptEcdhEs(jwe.trim(), key);
    try {
      return parseJsonObject(plaintext, 'jws_malformed');
    } catch {
      throw invalid('the decrypted request must be the JSON request object itself (UTF-8, no nested JWT, not too deep)');
    }
  } catch (e) {
    if (e instanceof JweError) throw invalid(`encrypted request: ${e.message}`);
    throw e;
  }
}

/**
 * §8.2 / §9.1 for a request that came unencrypted: refused when the issuer requires encryption
 * (`encryption_required`), and when it asks for an encrypted response (§8.2: "Credential Request
 * encryption MUST be used if the credential_response_encryption parameter is included, to prevent
 * it being substituted by an attacker").
 */
export function checkPlainRequest(config: Pick<Config, 'requestEncryptionRequired'>, body: unknown): void {
  if (config.requestEncryptionRequired)
    throw invalid('this issuer takes only encrypted requests: send a JWE (application/jwt) to a key of credential_request_encryption');
  if (body !== null && typeof body === 'object' && hasOwn(body as JsonObject, 'credential_response_encryption'))
    throw invalid('a request that asks for an encrypted response must itself be encrypted (application/jwt, OpenID4VCI 1.0 section 8.2)');
}
