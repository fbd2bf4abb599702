/**
 * One `jwt` key proof (OpenID4VCI Appendix F.1, verified per F.4), as a list of small checks.
 * Each refusal is `invalid_proof` (§8.3.1.2); the c_nonce is returned, not judged here: whether
 * it is known, fresh and unused is decided when it is consumed, atomically with the offer.
 */
import type { JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningAlg } from '../keys/signer.js';
import { isAppError } from '../errors.js';
import { parseCompactJws } from '../formats/jose/parse-compact-jws.js';
import { checkAlgAllowed, verifyCompactJws } from '../formats/jose/verify-compact-jws.js';
import { checkTimeClaims } from '../formats/jose/check-time-claims.js';
import { algForJwk } from '../formats/jose/import-public-key.js';
import { hasOwn, isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { checkHolderKey } from './issue-credential.js';
import { PROOF_SIGNING_ALGS } from './build-issuer-metadata.js';
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

const invalid = (message: string) => credentialError('invalid_proof', message);

/** F.4: the key proof is explicitly typed. */
function checkProofTyp(header: JsonObject): void {
  if (header.typ !== PROOF_TYP) throw invalid(`proof typ must be ${PROOF_TYP}`);
}

/** F.1 / F.4: alg is an asymmetric algorithm we support and allow (never none, never a MAC). */
function checkProofAlg(header: JsonObject): SigningAlg {
  try {
    return checkAlgAllowed(header.alg, PROOF_SIGNING_ALGS);
  } catch {
    throw invalid(`proof alg must be one of ${PROOF_SIGNING_ALGS.join(', ')}`);
  }
}

/**
 * F.1: exactly one of kid / jwk / x5c names the key; we bind to JWKs only
 * (`cryptographic_binding_methods_supported: ["jwk"]`). F.4: the header holds no private key;
 * the key is EC P-256 or Ed25519, matches `alg`, and is a real public key (checkHolderKey: a
 * small-order Ed25519 key would "verify" a constant signature, so it proves nothing).
 */
function checkProofKey(header: JsonObject, alg: SigningAlg): { jwk: JWK; jkt: string } {
  if (hasOwn(header, 'kid') || hasOwn(header, 'x5c')) throw invalid('the proof must name its key with jwk only (no kid, no x5c)');
  if (!isJsonObject(header.jwk)) throw invalid('the proof header has no jwk');
  let key: { jwk: JWK; jkt: string };
  try {
    key = checkHolderKey(header.jwk);
  } catch (e) {
    throw invalid(isAppError(e) ? e.message : 'the proof jwk is not a public EC P-256 or Ed25519 key');
  }
  if (algForJwk(key.jwk) !== alg) throw invalid('the proof alg does not match its jwk');
  return key;
}

/** F.1: `aud` is the Credential Issuer Identifier (a string). */
function checkProofAud(payload: JsonObject, issuer: string): void {
  if (payload.aud !== issuer) throw invalid('proof aud must be the credential issuer identifier');
}

/** F.1: `iat` is required; F.4 / §13.8: it is within the accepted window. */
function checkProofIat(payload: JsonObject, opts: ProofCheckOptions): void {
  if (typeof payload.iat !== 'number') throw invalid('proof iat is required');
  try {
    checkTimeClaims(payload, { clock: opts.clock, skewSeconds: opts.skewSeconds, maxIatAgeSeconds: opts.maxAgeSeconds });
  } catch (e) {
    throw invalid(`proof is not fresh (${isAppError(e) ? e.code : 'time claims'})`);
  }
}

/** F.1: `nonce` MUST be present when the issuer has a Nonce Endpoint; §8.3.1.2 (3): else invalid_proof. */
function readProofNonce(payload: JsonObject): string {
  if (typeof payload.nonce !== 'string' || payload.nonce === '' || payload.nonce.length > 256)
    throw invalid('proof nonce (a c_nonce) is required');
  return payload.nonce;
}

/** F.1 `key_attestation`: checked whenever present (never accepted unchecked), required where configured. */
async function checkProofKeyAttestation(header: JsonObject, jkt: string, nonce: string, opts: ProofCheckOptions): Promise<void> {
  if (!hasOwn(header, 'key_attestation')) {
    if (opts.keyAttestationRequired) throw invalid('this credential configuration requires a key_attestation in each proof');
    return;
  }
  await checkKeyAttestation(
    header.key_attestation,
    { walletProviders: opts.walletProviders ?? NO_WALLET_PROVIDERS, clock: opts.clock, proofJkt: jkt, nonce },
    opts.keyAttestations,
  );
}

export async function checkProofJwt(proof: unknown, opts: ProofCheckOptions): Promise<CheckedProof> {
  if (typeof proof !== 'string' || proof.length > MAX_PROOF_LENGTH) throw invalid('a jwt proof must be a compact JWS');
  let parsed;
  try {
    parsed = parseCompactJws(proof);
  } catch {
    throw invalid('the proof is not a well-formed compact JWS');
  }
  const { header, payload } = parsed;
  checkProofTyp(header);
  const alg = checkProofAlg(header);
  const key = checkProofKey(header, alg);
  // F.4: the signature verifies with the public key in the header (the key being proved).
  try {
    await verifyCompactJws(parsed, { resolveKey: () => ({ jwk: key.jwk, alg }), allowedAlgs: PROOF_SIGNING_ALGS, expectedTyp: PROOF_TYP });
  } catch {
    throw invalid('the proof signature does not verify with its jwk');
  }
  checkProofAud(payload, opts.issuer);
  checkProofIat(payload, opts);
  const nonce = readProofNonce(payload);
  await checkProofKeyAttestation(header, key.jkt, nonce, opts);
  return { jwk: key.jwk, jkt: key.jkt, nonce };
}
