/**
 * A key attestation in a `jwt` key proof's header (OpenID4VCI 1.0 Appendix D.1, F.1
 * `key_attestation`): signed by a trusted wallet provider (TRUSTED_WALLET_PROVIDERS), typed
 * `key-attestation+jwt`, with `iat` and `exp` (required with the jwt proof type), unexpired,
 * its `nonce` the proof's c_nonce (F.1), and the proof key among its `attested_keys` (D.1).
 * Every attested key passes the public-key gate. Refusals are `invalid_proof` (§8.3.1.2).
 */
import type { JWK } from 'jose';
import type { Clock } from '../../clock.js';
import { isAppError } from '../../errors.js';
import { withParticle } from '../../verdict/particle.js';
import { parseCompactJws } from '../../formats/jose/parse-compact-jws.js';
import { checkAlgAllowed } from '../../formats/jose/verify-compact-jws.js';
import { checkTimeClaims } from '../../formats/jose/check-time-claims.js';
import { checkHolderKey } from '../issue-credential.js';
import { PROOF_SIGNING_ALGS } from '../build-issuer-metadata.js';
import { credentialError } from '../vci-errors.js';
import type { TrustedWalletProviders } from '../client-attestation/trusted-wallet-providers.js';
import { verifyProviderSignature } from '../client-attestation/verify-provider-signature.js';

/** D.1 `typ`. */
export const KEY_ATTESTATION_TYP = 'key-attestation+jwt';
const MAX_LENGTH = 16_384;
const MAX_ATTESTED_KEYS = 100;
const SKEW_SECONDS = 60;

export interface KeyAttestationOptions {
  walletProviders: TrustedWalletProviders;
  clock: Clock;
  /** RFC 7638 thumbprint of the proof's key. */
  proofJkt: string;
  /** The proof's c_nonce. */
  nonce: string;
}

export interface CheckedKeyAttestation {
  /** The wallet provider that signed it. */
  provider: string;
  /** Thumbprints of every attested key. */
  attested: string[];
  /** The attested keys themselves (canonical public JWKs), in the attestation's order. */
  keys: JWK[];
}

/**
 * One credential request's attestations already checked, by attestation and c_nonce: a batch
 * whose proofs all carry the same attestation (the usual case) verifies its signature, x5c chain
 * and up to MAX_ATTESTED_KEYS keys once, not once per proof.
 */
export type KeyAttestationMemo = Map<string, Promise<CheckedKeyAttestation>>;

const invalid = (message: string, ko: string) => credentialError('invalid_proof', message, ko);

export async function checkKeyAttestation(
  attestation: unknown,
  opts: KeyAttestationOptions,
  memo?: KeyAttestationMemo,
): Promise<CheckedKeyAttestation> {
  if (typeof attestation !== 'string' || attestation.length > MAX_LENGTH)
    throw invalid('key_attestation must be a compact JWT', '키 증명(key_attestation)은 간결 직렬화(compact) JWT여야 합니다.');
  const key = JSON.stringify([attestation, opts.nonce]);
  let checked = memo?.get(key);
  if (checked === undefined) {
    checked = checkAttestation(attestation, opts);
    memo?.set(key, checked);
  }
  const result = await checked;
  // F.1: the proof is signed by a key contained in the attestation.
  if (!result.attested.includes(opts.proofJkt))
    throw invalid(
      'the proof key is not among the attested_keys of its key_attestation',
      '키 소유 증명의 키가 키 증명이 보증하는 키 목록(attested_keys)에 없습니다.',
    );
  return result;
}

/**
 * The `attestation` proof type (OpenID4VCI 1.0 §F "attestation Proof Type"): the key attestation
 * alone, no proof of possession. Its `nonce` must be a c_nonce of ours (returned, consumed by the
 * caller with the offer); everything else as for a `key_attestation` header, and every attested
 * key is returned to get a credential. Refusals are `invalid_proof`.
 */
export async function checkAttestationProof(
  attestation: unknown,
  opts: Omit<KeyAttestationOptions, 'proofJkt' | 'nonce'>,
): Promise<CheckedKeyAttestation & { nonce: string }> {
  if (typeof attestation !== 'string' || attestation.length > MAX_LENGTH)
    throw invalid('an attestation proof must be a compact JWT', '키 증명 방식의 증명(attestation)은 간결 직렬화(compact) JWT여야 합니다.');
  let nonce: unknown;
  try {
    nonce = parseCompactJws(attestation).payload.nonce;
  } catch {
    throw invalid('the attestation proof is not a well-formed JWT', '키 증명 방식의 증명이 올바른 형식의 JWT가 아닙니다.');
  }
  // §F: with a Nonce Endpoint, the c_nonce MUST be in the key attestation's nonce.
  if (typeof nonce !== 'string' || nonce === '' || nonce.length > 256)
    throw invalid('the attestation proof needs a nonce (a c_nonce)', '키 증명 방식의 증명에 발급기관이 준 일회용 값(c_nonce)이 없습니다.');
  return { ...(await checkAttestation(attestation, { ...opts, nonce })), nonce };
}

/** Everything but the proof key: parsed, typed, signed by a trusted provider, fresh, for this c_nonce, real attested keys. */
async function checkAttestation(attestation: string, opts: Omit<KeyAttestationOptions, 'proofJkt'>): Promise<CheckedKeyAttestation> {
  let parsed;
  try {
    parsed = parseCompactJws(attestation);
  } catch {
    throw invalid('key_attestation is not a well-formed JWT', '키 증명(key_attestation)이 올바른 형식의 JWT가 아닙니다.');
  }
  const { header, payload } = parsed;
  // D.1: explicitly typed; F.1: its alg is one of proof_signing_alg_values_supported.
  if (header.typ !== KEY_ATTESTATION_TYP)
    throw invalid(
      `key_attestation typ must be ${KEY_ATTESTATION_TYP}`,
      `키 증명의 유형(typ)이 ${withParticle(KEY_ATTESTATION_TYP, '이/가')} 아닙니다.`,
    );
  let alg;
  try {
    alg = checkAlgAllowed(header.alg, PROOF_SIGNING_ALGS);
  } catch {
    throw invalid('key_attestation alg is not allowed', '키 증명에 허용되지 않는 서명 알고리즘(alg)을 썼습니다.');
  }
  // D.1 / HAIP §4.5.1: the signer is a wallet provider the operator trusts (a key, or an x5c chain to its anchor).
  const provider = await verifyProviderSignature(parsed, alg, KEY_ATTESTATION_TYP, opts.walletProviders, new Date(opts.clock.now()));
  if (provider === undefined)
    throw invalid('key_attestation is not signed by a trusted wallet provider', '신뢰하는 지갑 제공자가 서명한 키 증명이 아닙니다.');
  // D.1: iat required; exp required with the jwt proof type; both checked against the clock.
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number')
    throw invalid('key_attestation needs iat and exp', '키 증명에 발행 시각(iat)과 만료 시각(exp)이 있어야 합니다.');
  try {
    checkTimeClaims(payload, { clock: opts.clock, skewSeconds: SKEW_SECONDS, requireExp: true });
  } catch (e) {
    throw invalid(
      `key_attestation is not valid now (${isAppError(e) ? e.code : 'time claims'})`,
      '키 증명의 유효기간이 지났거나 아직 시작되지 않았습니다.',
    );
  }
  // F.1: with a Nonce Endpoint, the attestation's nonce is the server-provided c_nonce.
  if (payload.nonce !== opts.nonce)
    throw invalid('key_attestation nonce must be the c_nonce of the proof', '키 증명의 일회용 값(nonce)이 키 소유 증명의 것과 다릅니다.');
  // D.1: attested_keys is a non-empty array of JWKs; each must be a real public key.
  const keys = payload.attested_keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_ATTESTED_KEYS)
    throw invalid('key_attestation needs attested_keys', '키 증명에 보증하는 키 목록(attested_keys)이 없거나, 비어 있거나, 너무 깁니다.');
  const attested: string[] = [];
  const checkedKeys: JWK[] = [];
  for (const k of keys) {
    try {
      const { jwk, jkt } = checkHolderKey(k);
      attested.push(jkt);
      checkedKeys.push(jwk);
    } catch {
      throw invalid(
        'key_attestation attested_keys holds a key that is not a public P-256 or Ed25519 key',
        '키 증명의 키 목록에 P-256 또는 Ed25519 공개 키가 아닌 키가 있습니다.',
      );
    }
  }
  return { provider, attested, keys: checkedKeys };
}
