/**
 * An untagged COSE_Sign1 (RFC 9052 §4.2), as issuerAuth sits in an IssuerSigned (ISO/IEC 18013-5
 * §9.1.2.4) and inside a status list CWT's tag 18: `[protected, unprotected, payload, signature]`, signed by our Signer (file or HSM)
 * over the Sig_structure "Signature1" (§4.4). Written directly with cbor-x rather than through
 * @owf/mdoc's Sign1 and its zod codecs, which the issuance profile showed; the bytes are the same.
 */
import type { Signer, SigningAlg } from '../jose/signer.js';
import { encodeCbor } from './encode-cbor.js';
import { COSE_ES256 } from './mdoc-constants.js';
import { sigStructure } from './sig-structure.js';

/** COSE header label of the certificate chain (RFC 9360 §2). */
export const X5CHAIN_LABEL = 33;

/** RFC 9052 §3.1 / RFC 9053 §2.1: the protected header {1 (alg): -7 (ES256)}, encoded once. */
export const PROTECTED_ES256 = encodeCbor(new Map([[1, COSE_ES256]]));

export type CoseSign1Array = [protectedBytes: Uint8Array, unprotected: Map<number, unknown>, payload: Uint8Array, signature: Uint8Array];

/** RFC 9053 §2.1, §2.2: the COSE algorithm of each algorithm our Signers sign with. */
export const COSE_ALG: Readonly<Record<SigningAlg, number>> = { ES256: COSE_ES256, EdDSA: -8 };

/**
 * Signs `payload` with our Signer (ES256 and EdDSA signatures are 64 raw bytes, as COSE wants,
 * RFC 9053 §2.1, §2.2). The protected header is `{1: alg}` plus `options.protected` (a status list
 * CWT's `typ`); the unprotected one holds `options.unprotected` (its `kid`), then `x5chain` (DER,
 * the signer's certificate first) when given: one certificate as a bstr, several as an array (RFC
 * 9360 §2). Shared by the mdoc's issuerAuth and the status list's CWT.
 */
export async function signCoseSign1(
  payload: Uint8Array,
  x5chain: readonly Uint8Array[],
  signer: Signer,
  options: { protected?: ReadonlyMap<number, unknown>; unprotected?: ReadonlyMap<number, unknown> } = {},
): Promise<CoseSign1Array> {
  const protectedBytes =
    options.protected === undefined && signer.alg === 'ES256'
      ? PROTECTED_ES256
      : encodeCbor(new Map<number, unknown>([[1, COSE_ALG[signer.alg]], ...(options.protected ?? [])]));
  const signature = await signer.sign(sigStructure(protectedBytes, payload));
  const unprotected = new Map<number, unknown>(options.unprotected ?? []);
  if (x5chain.length > 0) unprotected.set(X5CHAIN_LABEL, x5chain.length === 1 ? x5chain[0]! : [...x5chain]);
  return [protectedBytes, unprotected, payload, signature];
}
