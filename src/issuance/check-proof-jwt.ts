/**
 * One `jwt` key proof (OpenID4VCI Appendix F.1, verified per F.4), as a list of small checks.
 * Each refusal is `invalid_proof` (§8.3.1.2); the c_nonce is returned, not judged here: whether
 * it is known, fresh and unused is decided when it is consumed, atomically with the offer.
 */
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningAlg } from '../keys/signer.js';
import { isAppError } from '../errors.js';
import { withParticle } from '../verdict/particle.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { checkAlgAllowed, verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { checkTimeClaims } from '../formats/jose/check-time-claims.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { hasOwn, isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { checkHolderKey } from './issue-credential.js';
import { PROOF_SIGNING_ALGS } from './build-issuer-metadata.js';
import { timeClaimKo } from './time-claim-refusals.js';
import { credentialError } from './vci-errors.js';
import { checkKeyAttestation, type KeyAttestationMemo } from './key-attestation/check-key-attestation.js';
import { NO_WALLET_PROVIDERS, type TrustedWalletProviders } from './client-attestation/trusted-wallet-providers.js';

/** Appendix F.1: the explicit type of a key proof (RFC 8725 §3.11). */
export const PROOF_TYP = 'openid4vci-proof+jwt';
/** A proof is a few hundred bytes; anything this large is not one. */
const MAX_PROOF_LENGTH = 8192;

export interface ProofCheckOptions {
  /** Credential Issuer Identifier: the required `aud` (Appendix F.1). */
  issuer: string;
  clock: Clock;
  /** Oldest `iat` accepted (F.4, §13.8). */
  maxAgeSeconds: number;
  /** `iat` tolerated in the future (§13.8). */
  skewSeconds: number;
  /** Appendix D: who may sign a `key_attestation` (none trusted: any attestation is refused). */
  walletProviders?: TrustedWalletProviders;
  /** §12.2.4 `key_attestations_required`: the proof must carry one. */
  keyAttestationRequired?: boolean;
  /** The key attestations this request's proofs already carried (one Map per credential request). */
  keyAttestations?: KeyAttestationMemo;
}

export interface CheckedProof {
  /** The holder's public key from the `jwk` header, private members stripped. */
  jwk: JWK;
  /** RFC 7638 thumbprint of `jwk`. */
  jkt: string;
  /** The c_nonce the proof carries. */
  nonce: string;
}

const invalid = (message: string, ko: string) => credentialError('invalid_proof', message, ko);

/** F.4: the key proof is explicitly typed. */
function checkProofTyp(header: JsonObject): void {
  if (header.typ !== PROOF_TYP)
    throw invalid(`proof typ must be ${PROOF_TYP}`, `키 소유 증명의 유형(typ)이 ${withParticle(PROOF_TYP, '이/가')} 아닙니다.`);
}

/** F.1 / F.4: alg is an asymmetric algorithm we support and allow (never none, never a MAC). */
function checkProofAlg(header: JsonObject): SigningAlg {
  try {
    return checkAlgAllowed(header.alg, PROOF_SIGNING_ALGS);
  } catch {
    throw invalid(
      `proof alg must be one of ${PROOF_SIGNING_ALGS.join(', ')}`,
      `키 소유 증명의 서명 알고리즘(alg)은 ${PROOF_SIGNING_ALGS.join(', ')} 중 하나여야 합니다.`,
    );
  }
}

/**
 * F.1: exactly one of kid / jwk / x5c names the key; we bind to JWKs only
 * (`cryptographic_binding_methods_supported: ["jwk"]`). F.4: the header holds no private key;
 * the key is EC P-256 or Ed25519, matches `alg`, and is a real public key (checkHolderKey: a
 * small-order Ed25519 key would "verify" a constant signature, so it proves nothing).
 */
function checkProofKey(header: JsonObject, alg: SigningAlg): { jwk: JWK; jkt: string } {
  if (hasOwn(header, 'kid') || hasOwn(header, 'x5c'))
    throw invalid(
      'the proof must name its key with jwk only (no kid, no x5c)',
      '키 소유 증명은 키를 공개 키(jwk)로만 밝혀야 하며, kid나 x5c는 쓸 수 없습니다.',
    );
  if (!isJsonObject(header.jwk)) throw invalid('the proof header has no jwk', '키 소유 증명의 헤더에 공개 키(jwk)가 없습니다.');
  let key: { jwk: JWK; jkt: string };
  try {
    key = checkHolderKey(header.jwk);
  } catch (e) {
    throw invalid(
      isAppError(e) ? e.message : 'the proof jwk is not a public EC P-256 or Ed25519 key',
      '키 소유 증명의 공개 키(jwk)가 정규 형식의 P-256 또는 Ed25519 공개 키가 아닙니다.',
    );
  }
  if (algForJwk(key.jwk) !== alg)
    throw invalid('the proof alg does not match its jwk', '키 소유 증명의 서명 알고리즘(alg)이 공개 키에 맞지 않습니다.');
  return key;
}

/** F.1: `aud` is the Credential Issuer Identifier (a string). */
function checkProofAud(payload: JsonObject, issuer: string): void {
  if (payload.aud !== issuer)
    throw invalid('proof aud must be the credential issuer identifier', '키 소유 증명의 대상(aud)이 이 발급기관의 식별자가 아닙니다.');
}

/** F.1: `iat` is required; F.4 / §13.8: it is within the accepted window. */
function checkProofIat(payload: JsonObject, opts: ProofCheckOptions): void {
  if (typeof payload.iat !== 'number') throw invalid('proof iat is required', '키 소유 증명에 발행 시각(iat)이 없습니다.');
  try {
    checkTimeClaims(payload, { clock: opts.clock, skewSeconds: opts.skewSeconds, maxIatAgeSeconds: opts.maxAgeSeconds });
  } catch (e) {
    throw invalid(
      `proof is not fresh (${isAppError(e) ? e.code : 'time claims'})`,
      timeClaimKo('키 소유 증명', e, '키 소유 증명의 시각 값이 올바르지 않습니다. 새로 만들어 보내십시오.'),
    );
  }
}

/** F.1: `nonce` MUST be present when the issuer has a Nonce Endpoint; §8.3.1.2 (3): else invalid_proof. */
function readProofNonce(payload: JsonObject): string {
  if (typeof payload.nonce !== 'string' || payload.nonce === '' || payload.nonce.length > 256)
    throw invalid('proof nonce (a c_nonce) is required', '키 소유 증명에 발급기관이 준 일회용 값(c_nonce)이 없습니다.');
  return payload.nonce;
}

/** F.1 `key_attestation`: checked whenever present (never accepted unchecked), required where configured. */
async function checkProofKeyAttestation(header: JsonObject, jkt: string, nonce: string, opts: ProofCheckOptions): Promise<void> {
  if (!hasOwn(header, 'key_attestation')) {
    if (opts.keyAttestationRequired)
      throw invalid(
        'this credential configuration requires a key_attestation in each proof',
        '이 증명서 구성은 키 소유 증명마다 키 증명(key_attestation)이 있어야 합니다.',
      );
    return;
  }
  await checkKeyAttestation(
    header.key_attestation,
    { walletProviders: opts.walletProviders ?? NO_WALLET_PROVIDERS, clock: opts.clock, proofJkt: jkt, nonce },
    opts.keyAttestations,
  );
}

export async function checkProofJwt(proof: unknown, opts: ProofCheckOptions): Promise<CheckedProof> {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH)
    throw invalid('a jwt proof must be a compact JWS', '키 소유 증명(jwt)은 간결 직렬화(compact) JWS여야 합니다.');
  let parsed;
  try {
    parsed = parseCompactJws(proof);
  } catch {
    throw invalid('the proof is not a well-formed compact JWS', '키 소유 증명이 올바른 형식의 JWS가 아닙니다.');
  }
  const { header, payload } = parsed;
  checkProofTyp(header);
  const alg = checkProofAlg(header);
  const key = checkProofKey(header, alg);
  // F.4: the signature verifies with the public key in the header (the key being proved).
  try {
    await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: key.jwk, alg }), allowedAlgs: PROOF_SIGNING_ALGS, expectedTyp: PROOF_TYP });
  } catch {
    throw invalid('the proof signature does not verify with its jwk', '키 소유 증명의 서명이 헤더의 공개 키(jwk)로 검증되지 않습니다.');
  }
  checkProofAud(payload, opts.issuer);
  checkProofIat(payload, opts);
  const nonce = readProofNonce(payload);
  await checkProofKeyAttestation(header, key.jkt, nonce, opts);
  return { jwk: key.jwk, jkt: key.jkt, nonce };
}
