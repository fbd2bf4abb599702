/**
 * Holder side of a presentation (RFC 9901 §7.2 + §4.3): keep only the Disclosures for the
 * chosen claims (`presentSdJwt`), then sign a KB-JWT over them (`createKbJwt`) for one verifier
 * (`aud`) and one transaction (`nonce`). For a counter QR the wallet picks the nonce itself:
 * 128 random bits, accepted once by the verifier.
 */
import { randomBytes } from 'node:crypto';
import type { Signer } from '../keys/signer.js';
import type { ClaimPathPointer } from '../formats/claim-path/claim-path-pointer.js';
import { createKbJwt } from '../formats/sd-jwt/create-kb-jwt.js';
import { presentSdJwt } from '../formats/sd-jwt/present-sd-jwt.js';

export interface HolderPresentationInput {
  /** The SD-JWT VC as issued (`<JWT>~<Disclosures>~`). */
  credential: string;
  /** Claims to disclose: pointers (OpenID4VP §7) or dotted names (`address.locality`, `driving_privileges[]`, `nationalities[1]`). */
  disclose: readonly (string | ClaimPathPointer)[];
  holderSigner: Signer;
  /** The verifier's client identifier (OpenID4VP `client_id`, or the published counter identifier). */
  aud: string;
  /** The verifier's nonce (OpenID4VP); omitted = a fresh random one (counter QR). */
  nonce?: string;
  /** Seconds since the epoch. */
  iat: number;
}

export async function createHolderPresentation(input: HolderPresentationInput): Promise<{ presentation: string; nonce: string }> {
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  const sdJwtWithoutKb = presentSdJwt(input.credential, { disclose: input.disclose });
  const kb = await createKbJwt({ sdJwtWithoutKb, holderSigner: input.holderSigner, nonce, aud: input.aud, iat: input.iat });
  return { presentation: `${sdJwtWithoutKb}${kb}`, nonce };
}
