/**
 * The key proofs of a credential request: OpenID4VCI 1.0 §8.2 `proofs` (exactly one proof type, a
 * non-empty array; Appendix F.1 `jwt`), or the singular `proof` of the drafts before 1.0
 * (`{ "proof_type": "jwt", "jwt": "…" }`, draft 13–15), read as `proofs` with one entry.
 *
 * Why the singular form is accepted: wallets in the field (Sphereon's oid4vci-client among them)
 * still send it, it carries exactly the same proof JWT, and every check that follows (typ, alg,
 * aud, iat, c_nonce, key) is the same; refusing it would only turn those wallets away. Both at
 * once are refused, as is any other proof type.
 */
import { isJsonObject } from '../formats/jose/types.js';
import { credentialError } from './vci-errors.js';

/** The proofs of a request: `jwt` proofs, or one key attestation (the `attestation` proof type, §F). */
export type ProofList = { type: 'jwt'; list: unknown[] } | { type: 'attestation'; attestation: unknown };

export function readProofList(body: Record<string, unknown>): ProofList {
  const { proofs, proof } = body;
  if (proof !== undefined) {
    if (proofs !== undefined)
      throw credentialError(
        'invalid_credential_request',
        'send proofs or the pre-1.0 proof, not both',
        '키 소유 증명은 proofs와 이전 방식의 proof 중 하나로만 보내십시오.',
      );
    if (!isJsonObject(proof) || proof.proof_type !== 'jwt' || typeof proof.jwt !== 'string')
      throw credentialError(
        'invalid_proof',
        'proof must be { "proof_type": "jwt", "jwt": "..." }; prefer proofs.jwt (OpenID4VCI 1.0)',
        '이전 방식의 키 소유 증명(proof)은 증명 방식이 jwt인 객체여야 합니다. 가능하면 proofs.jwt로 보내십시오.',
      );
    return { type: 'jwt', list: [proof.jwt] };
  }
  // §8.3.1.2 invalid_proof (1): the field is missing.
  if (!isJsonObject(proofs))
    throw credentialError(
      'invalid_proof',
      'proofs is required for this credential configuration',
      '이 증명서 구성에는 키 소유 증명(proofs)이 필요합니다.',
    );
  const types = Object.keys(proofs);
  if (types.length !== 1)
    throw credentialError(
      'invalid_credential_request',
      'proofs must contain exactly one proof type',
      '키 소유 증명(proofs)에는 증명 방식이 정확히 하나만 있어야 합니다.',
    );
  // §F attestation proof type: an array with exactly one key attestation JWT.
  if (types[0] === 'attestation') {
    const a = proofs.attestation;
    if (!Array.isArray(a) || a.length !== 1)
      throw credentialError(
        'invalid_proof',
        'proofs.attestation must be an array of exactly one key attestation',
        '키 증명 방식(proofs.attestation)은 키 증명 하나만 담은 배열이어야 합니다.',
      );
    return { type: 'attestation', attestation: a[0] };
  }
  const list = proofs.jwt;
  if (types[0] !== 'jwt' || !Array.isArray(list) || list.length === 0)
    throw credentialError(
      'invalid_proof',
      'proofs.jwt must be a non-empty array, or proofs.attestation one key attestation',
      '키 소유 증명은 비어 있지 않은 배열(proofs.jwt)이나 키 증명 하나(proofs.attestation)로 보내십시오.',
    );
  return { type: 'jwt', list };
}
