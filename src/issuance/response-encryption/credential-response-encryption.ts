/**
 * Encrypted Credential Responses (OpenID4VCI 1.0 §8.2 `credential_response_encryption`, §8.3,
 * §10 "Encrypted Credential Requests and Responses", §12.2.4 metadata): when the wallet asks,
 * the response is a JWE (compact, `application/jwt`) to the wallet's key, ECDH-ES key agreement
 * with A128GCM or A256GCM, carrying the JSON response. The wallet's `jwk` passes the public key
 * gate (a real P-256 point, no private members) and must say `alg` (§10). Refusals are
 * `invalid_encryption_parameters` (§8.3.1.2), raised before anything is consumed.
 */
import type { JWK } from 'jose';
import { encryptJsonJwe, JWE_ENCS } from '../../formats/jose/ecdh-es-jwe.js';
import { checkPublicJwk } from '../../formats/jose/check-public-jwk.js';
import { hasOwn, isJsonObject } from '../../formats/jose/types.js';
import { AppError } from '../../errors.js';

export const RESPONSE_ENCRYPTION_ALGS = ['ECDH-ES'] as const;
export const RESPONSE_ENCRYPTION_ENCS = JWE_ENCS;

/** §12.2.4 `credential_response_encryption`: offered, not required. */
export const responseEncryptionMetadata = () => ({
  alg_values_supported: [...RESPONSE_ENCRYPTION_ALGS],
  enc_values_supported: [...RESPONSE_ENCRYPTION_ENCS],
  encryption_required: false,
});

export interface ResponseEncryption {
  jwk: JWK;
  kid: string | undefined;
  enc: (typeof RESPONSE_ENCRYPTION_ENCS)[number];
}

const invalid = (message: string, ko: string) => new AppError('invalid_encryption_parameters', message, { status: 400, ko });

/** §8.2: the request's `credential_response_encryption`, or undefined when the wallet asks for none. */
export function readResponseEncryption(body: unknown): ResponseEncryption | undefined {
  if (!isJsonObject(body) || !hasOwn(body, 'credential_response_encryption')) return undefined;
  const p = body.credential_response_encryption;
  if (!isJsonObject(p))
    throw invalid(
      'credential_response_encryption must be an object',
      '응답 암호화 설정(credential_response_encryption)은 객체여야 합니다.',
    );
  // §8.2 `zip`: OPTIONAL; we offer no zip_values_supported, so none may be asked for.
  if (hasOwn(p, 'zip')) throw invalid('compression (zip) is not supported', '응답 압축(zip)은 지원하지 않습니다.');
  if (typeof p.enc !== 'string' || !(RESPONSE_ENCRYPTION_ENCS as readonly string[]).includes(p.enc))
    throw invalid(
      `enc must be one of ${RESPONSE_ENCRYPTION_ENCS.join(', ')}`,
      `응답 암호화 방식(enc)은 ${RESPONSE_ENCRYPTION_ENCS.join(', ')} 중 하나여야 합니다.`,
    );
  if (!isJsonObject(p.jwk))
    throw invalid('credential_response_encryption.jwk is required', '응답 암호화 설정에 암호화 키(jwk)가 없습니다.');
  const { alg, kid, use, ...rest } = p.jwk;
  // §10: the JWK's `alg` MUST be present and is the JWE `alg`.
  if (alg !== 'ECDH-ES') throw invalid('the jwk must say alg ECDH-ES', '응답 암호화 키의 알고리즘(alg)은 ECDH-ES여야 합니다.');
  if (use !== undefined && use !== 'enc') throw invalid('the jwk use must be enc', '응답 암호화 키의 용도(use)는 enc여야 합니다.');
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > 256))
    throw invalid('the jwk kid must be a short string', '응답 암호화 키의 식별자(kid)는 256자 이하의 문자열이어야 합니다.');
  let jwk: JWK;
  try {
    jwk = checkPublicJwk(rest) as JWK;
  } catch {
    throw invalid('the jwk must be a public EC P-256 key on the curve', '응답 암호화 키가 곡선 위의 P-256 공개 키가 아닙니다.');
  }
  if (jwk.kty !== 'EC') throw invalid('ECDH-ES needs an EC P-256 key', 'ECDH-ES 암호화에는 P-256 키를 써야 합니다.');
  return { jwk, kid, enc: p.enc as ResponseEncryption['enc'] };
}

/** §10: the response as a JWE; `kid` repeated in the JWE header when the wallet's key had one. */
export const encryptCredentialResponse = (response: unknown, e: ResponseEncryption): Promise<string> => encryptJsonJwe(response, e);
