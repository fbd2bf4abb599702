/**
 * Encrypted credential and deferred credential requests (OpenID4VCI 1.0 §8.2, §9.1, §10): the
 * body is a compact JWE (`application/jwt`), ECDH-ES to one of our request keys (its `kid` picks
 * it), A128GCM or A256GCM, no `zip`, and its plaintext is the JSON request itself (a JSON object,
 * strict and depth-bounded: no nested JWT). Every refusal is `invalid_encryption_parameters`
 * (§8.3.1.2), raised while the body is read, so nothing (c_nonce, token, offer) is consumed.
 */
import { AppError } from '../../errors.js';
import { decryptEcdhEs, JWE_ENCS, JweError, readEcdhEsHeader, type JweFault } from '../../formats/jose/ecdh-es-jwe.js';
import { parseJsonObject } from '../../formats/jose/parse-json.js';
import { hasOwn, type JsonObject } from '../../formats/jose/types.js';
import type { Config } from '../../config.js';
import { requestKeyByKid, requestKeys, type RequestKeyDeps } from './request-encryption-keys.js';

const invalid = (message: string, ko: string) => new AppError('invalid_encryption_parameters', message, { status: 400, ko });

/** What is wrong with an encrypted request's JWE (JweError faults), in Korean. */
const JWE_FAULT_KO: Readonly<Record<JweFault, string>> = {
  malformed: '암호화한 요청이 올바른 형식의 간결 직렬화(compact) JWE가 아닙니다.',
  alg: '암호화한 요청의 JWE는 alg ECDH-ES와 발급기관 메타데이터에 있는 enc를 써야 하며, 압축(zip)이나 중첩은 쓸 수 없습니다.',
  epk: '암호화한 요청의 임시 공개 키(epk)가 곡선 위의 P-256 공개 키가 아닙니다.',
  kid: '암호화한 요청의 키 식별자(kid)가 발급기관이 알려 준 키를 가리키지 않습니다.',
  decrypt: '암호화한 요청을 키 식별자(kid)가 가리키는 키로 복호화할 수 없습니다.',
};

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
    if (!key)
      throw invalid(
        'the JWE kid names no current key of credential_request_encryption.jwks; fetch the issuer metadata again',
        '암호화한 요청의 키 식별자(kid)가 현재 요청 암호화 키가 아닙니다. 발급기관 메타데이터를 다시 받으십시오.',
      );
    const plaintext = await decryptEcdhEs(jwe.trim(), key);
    try {
      return parseJsonObject(plaintext, 'jws_malformed');
    } catch {
      throw invalid(
        'the decrypted request must be the JSON request object itself (UTF-8, no nested JWT, not too deep)',
        '복호화한 요청이 증명서 요청 JSON 객체가 아닙니다(UTF-8, 중첩 JWT 없음, 지나친 중첩 없음).',
      );
    }
  } catch (e) {
    if (e instanceof JweError) throw invalid(`encrypted request: ${e.message}`, JWE_FAULT_KO[e.fault]);
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
    throw invalid(
      'this issuer takes only encrypted requests: send a JWE (application/jwt) to a key of credential_request_encryption',
      '이 발급기관은 암호화한 요청만 받습니다. 발급기관 메타데이터의 요청 암호화 키로 암호화해(application/jwt) 보내십시오.',
    );
  if (body !== null && typeof body === 'object' && hasOwn(body as JsonObject, 'credential_response_encryption'))
    throw invalid(
      'a request that asks for an encrypted response must itself be encrypted (application/jwt, OpenID4VCI 1.0 section 8.2)',
      '암호화한 응답을 요청하려면 요청도 암호화해(application/jwt) 보내야 합니다.',
    );
}
