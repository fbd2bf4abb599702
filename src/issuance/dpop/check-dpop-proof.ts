/**
 * One DPoP proof JWT (RFC 9449 §4.2), checked as §4.3 lists, one small function per rule.
 * Pure apart from the clock: whether its `jti` was seen and whether its `nonce` is one we gave
 * out are decided by the caller (verify-dpop.ts), against the shared store.
 */
import { timeClaimKo } from '../time-claim-refusals.js';
import { hash } from 'node:crypto';
import type { JWK } from 'jose';
import type { Clock } from '../../clock.js';
import type { SigningAlg } from '../../keys/signer.js';
import { isAppError } from '../../errors.js';
import { withParticle } from '../../verdict/particle.js';
import { parseCompactJws } from '../../formats/jose/parse-compact-jws.js';
import { checkAlgAllowed, SUPPORTED_ALGS, verifyCompactJws } from '../../formats/jose/verify-compact-jws.js';
import { algForJwk } from '../../formats/jose/import-public-key.js';
import { hasOwn, isJsonObject, type JsonObject } from '../../formats/jose/types.js';
import { checkTimeClaims } from '../../formats/jose/check-time-claims.js';
import { checkHolderKey } from '../issue-credential.js';
import { DpopRefusal } from './dpop-errors.js';

/** §4.2 `typ`. */
export const DPOP_TYP = 'dpop+jwt';
/** §5.1 `dpop_signing_alg_values_supported`: asymmetric only, the algorithms our key gate knows. */
export const DPOP_SIGNING_ALGS: readonly SigningAlg[] = SUPPORTED_ALGS;
/** A DPoP proof is a few hundred bytes. */
const MAX_PROOF_LENGTH = 4096;
/** §11.1: `jti` has enough entropy; a 4 kB one is not a jti. */
const MAX_JTI_LENGTH = 256;

export interface DpopCheckOptions {
  /** §4.3 (8): the method of the request. */
  htm: string;
  /** §4.3 (9): the request URI without query and fragment (built from PUBLIC_URL). */
  htu: string;
  clock: Clock;
  /** §4.3 (11): the oldest `iat` accepted, seconds. */
  maxAgeSeconds: number;
  /** `iat` tolerated in the future, seconds. */
  skewSeconds: number;
  /** §4.3 (12): at a protected resource, the access token whose hash `ath` must carry. */
  accessToken?: string;
}

export interface CheckedDpopProof {
  jwk: JWK;
  /** RFC 7638 thumbprint of `jwk`: what a token is bound to (§6.1 `cnf.jkt`). */
  jkt: string;
  jti: string;
  iat: number;
  nonce: string | undefined;
}

const refuse = (message: string, ko: string) => new DpopRefusal('invalid_dpop_proof', message, ko);

/** §4.3 (4): `typ` is dpop+jwt. */
function checkTyp(header: JsonObject): void {
  if (header.typ !== DPOP_TYP)
    throw refuse(`DPoP proof typ must be ${DPOP_TYP}`, `DPoP 증명의 유형(typ)이 ${withParticle(DPOP_TYP, '이/가')} 아닙니다.`);
}

/** §4.3 (5): an asymmetric algorithm we support, never none or a MAC. */
function checkAlg(header: JsonObject): SigningAlg {
  try {
    return checkAlgAllowed(header.alg, DPOP_SIGNING_ALGS);
  } catch {
    throw refuse(
      `DPoP proof alg must be one of ${DPOP_SIGNING_ALGS.join(', ')}`,
      `DPoP 증명의 서명 알고리즘(alg)은 ${DPOP_SIGNING_ALGS.join(', ')} 중 하나여야 합니다.`,
    );
  }
}

/** §4.3 (7): the `jwk` header is a public key (no private members), a real curve point, and matches `alg`. */
function checkKey(header: JsonObject, alg: SigningAlg): { jwk: JWK; jkt: string } {
  if (!isJsonObject(header.jwk)) throw refuse('the DPoP proof header has no jwk', 'DPoP 증명의 헤더에 공개 키(jwk)가 없습니다.');
  let key: { jwk: JWK; jkt: string };
  try {
    key = checkHolderKey(header.jwk);
  } catch (e) {
    throw refuse(
      `the DPoP proof jwk is not usable: ${isAppError(e) ? e.message : 'not a public EC P-256 or Ed25519 key'}`,
      'DPoP 증명의 공개 키(jwk)를 쓸 수 없습니다. 정규 형식의 P-256 또는 Ed25519 공개 키여야 합니다.',
    );
  }
  if (algForJwk(key.jwk) !== alg)
    throw refuse('the DPoP proof alg does not match its jwk', 'DPoP 증명의 서명 알고리즘(alg)이 공개 키에 맞지 않습니다.');
  return key;
}

/** §4.2: `jti`, `htm`, `htu`, `iat` are required. */
function checkJti(payload: JsonObject): string {
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
    throw refuse('the DPoP proof needs a jti', 'DPoP 증명에 식별자(jti)가 없거나 너무 깁니다.');
  return jti;
}

/** §4.3 (8): `htm` matches the method. */
function checkHtm(payload: JsonObject, htm: string): void {
  if (payload.htm !== htm)
    throw refuse(`the DPoP proof htm must be ${htm}`, `DPoP 증명의 요청 방법(htm)이 이 요청의 방법(${htm})과 다릅니다.`);
}

/**
 * RFC 3986 §6.2.2.1–6.2.2.2: percent-encodings compare in upper case, and an encoded unreserved
 * character is that character. WHATWG URL parsing does neither (`/%74oken` stays as it is).
 */
const normalizePercentEncoding = (path: string): string =>
  path.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${hex.toUpperCase()}`;
  });

/**
 * §4.3 (9): `htu` matches the request URI, ignoring query and fragment, after the syntax-based
 * normalisation of RFC 3986 §6.2.2 and scheme-based §6.2.3: WHATWG URL parsing does the case of
 * scheme and host, the default port and dot segments; percent-encodings are normalised here.
 */
function checkHtu(payload: JsonObject, htu: string): void {
  const sent = payload.htu;
  if (typeof sent !== 'string' || sent.length > 2048)
    throw refuse('the DPoP proof needs an htu', 'DPoP 증명에 요청 주소(htu)가 없거나 너무 깁니다.');
  let given: URL;
  try {
    given = new URL(sent);
  } catch {
    throw refuse('the DPoP proof htu is not a URL', 'DPoP 증명의 요청 주소(htu)가 올바른 주소 형식이 아닙니다.');
  }
  const want = new URL(htu);
  if (given.origin !== want.origin || normalizePercentEncoding(given.pathname) !== normalizePercentEncoding(want.pathname))
    throw refuse('the DPoP proof htu is not this endpoint', 'DPoP 증명의 요청 주소(htu)가 이 요청을 받은 주소가 아닙니다.');
}

/** The time checks' refusals, in words about the proof (the Korean: time-claim-refusals.ts). */
const TIME_REFUSALS_EN: Readonly<Record<string, string>> = {
  jwt_iat_missing: 'the DPoP proof needs an iat',
  jwt_iat_in_future: 'the DPoP proof iat is in the future',
  jwt_iat_too_old: 'the DPoP proof is too old',
  jwt_expired: 'the DPoP proof has expired (exp)',
  jwt_not_yet_valid: 'the DPoP proof is not valid yet (nbf)',
};

/**
 * §4.3 (11): `iat` within the window (the server nonce bounds freshness too, §8); and, as for any
 * JWT (RFC 7519 §4.1.4–4.1.5), an `exp` or `nbf` the proof carries holds too.
 */
function checkIat(payload: JsonObject, opts: DpopCheckOptions): number {
  try {
    checkTimeClaims(payload, { clock: opts.clock, skewSeconds: opts.skewSeconds, maxIatAgeSeconds: opts.maxAgeSeconds });
  } catch (e) {
    const en = isAppError(e) && Object.hasOwn(TIME_REFUSALS_EN, e.code) ? TIME_REFUSALS_EN[e.code] : undefined;
    throw refuse(
      en ?? (isAppError(e) ? `the DPoP proof's ${e.message}` : 'the DPoP proof has bad time claims'),
      timeClaimKo('DPoP 증명', e, 'DPoP 증명의 시각 값(iat, exp, nbf)이 올바르지 않습니다. 새로 만들어 보내십시오.'),
    );
  }
  return payload.iat as number;
}

/**
 * §4.2 / §4.3 (12): at a protected resource, `ath` is the base64url SHA-256 of the ASCII access
 * token. The token reaches here only in RFC 6750's b64token form (http/access-token-of.ts), so its
 * UTF-8 is its ASCII.
 */
function checkAth(payload: JsonObject, accessToken: string | undefined): void {
  if (accessToken === undefined) return;
  const ath = hash('sha256', accessToken, 'base64url');
  if (payload.ath !== ath)
    throw refuse('the DPoP proof ath does not match the access token', 'DPoP 증명의 토큰 해시(ath)가 이 접근 토큰과 맞지 않습니다.');
}

/** §4.2 `nonce`: a string when present; whether it is ours is the caller's question. */
function readNonce(payload: JsonObject): string | undefined {
  if (!hasOwn(payload, 'nonce')) return undefined;
  if (typeof payload.nonce !== 'string' || payload.nonce === '' || payload.nonce.length > 256)
    throw refuse('the DPoP proof nonce is not a string', 'DPoP 증명의 일회용 값(nonce)이 올바른 문자열이 아닙니다.');
  return payload.nonce;
}

export async function checkDpopProof(proof: string, opts: DpopCheckOptions): Promise<CheckedDpopProof> {
  // §4.3 (1), (2): one well-formed compact JWS.
  if (proof.length > MAX_PROOF_LENGTH) throw refuse('the DPoP proof is too long', 'DPoP 증명이 너무 깁니다.');
  let parsed;
  try {
    parsed = parseCompactJws(proof);
  } catch {
    throw refuse('the DPoP proof is not a well-formed JWT', 'DPoP 증명이 올바른 형식의 JWT가 아닙니다.');
  }
  const { header, payload } = parsed;
  checkTyp(header);
  const alg = checkAlg(header);
  const key = checkKey(header, alg);
  // §4.3 (6): the signature verifies with the public key in the header.
  try {
    await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: key.jwk, alg }), allowedAlgs: DPOP_SIGNING_ALGS, expectedTyp: DPOP_TYP });
  } catch {
    throw refuse('the DPoP proof signature does not verify with its jwk', 'DPoP 증명의 서명이 헤더의 공개 키(jwk)로 검증되지 않습니다.');
  }
  const jti = checkJti(payload);
  checkHtm(payload, opts.htm);
  checkHtu(payload, opts.htu);
  const iat = checkIat(payload, opts);
  checkAth(payload, opts.accessToken);
  return { jwk: key.jwk, jkt: key.jkt, jti, iat, nonce: readNonce(payload) };
}
