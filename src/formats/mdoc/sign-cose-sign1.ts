/**
 * An untagged COSE_Sign1 (RFC 9052 §4.2), as issuerAuth sits in an IssuerSigned (ISO/IEC 18013-5
 * §9.1.2.4): `[protected, unprotected, payload, signature]`, signed by our Signer (file or HSM)
 * over the Sig_structure "Signature1" (§4.4). Written directly with cbor-x rather than through
 * @owf/mdoc's Sign1 and its zod codecs, which the issuance profile showed; the bytes are the same.
 */
import type { Signer } from '../jose/signer.js';
import { encodeCbor } from './encode-cbor.js';
import { COSE_ES256 } from './mdoc-constants.js';
import { sigStructure } from './parse-cose-sign1.js';

/** COSE header label of the certificate chain (RFC 9360 §2). */
export const X5CHAIN_LABEL = 33;

/** RFC 9052 §3.1 / RFC 9053 §2.1: the protected header {1 (alg): -7 (ES256)}, encoded once. */
export const PROTECTED_ES256 = encodeCbor(new Map([[1, COSE_ES256]]));

export type CoseSign1Array = [protectedBytes: Uint8Array, unprotected: Map<number, unknown>, payload: Uint8Array, signature: Uint8Array];

/**
 * Signs `payload` with an ES256 Signer (the signature is raw r‖s, as COSE wants, RFC 9053 §2.1);
 * `x5chain` (DER, the signer's certificate first) goes into the unprotected header: one
 * certificate as a bstr, several as an array (RFC 9360 §2).
 */
export async function signCoseSign1(payload: Uint8Array, x5chain: readonly Uint8Array[], signer: Signer): Promise<CoseSign1Array> {
  if (signer.alg !== 'ES256') throw new TypeError('COSE_Sign1 here is ES256 (P-256) only');
  const signature = await signer.sign(sigStructure(PROTECTED_ES256, payload));
  const unprotected = new Map<number, unknown>([[X5CHAIN_LABEL, x5chain.length === 1 ? x5chain[0]! : [...x5chain]]]);
  return [PROTECTED_ES256, unprotected, payload, signature];
}
