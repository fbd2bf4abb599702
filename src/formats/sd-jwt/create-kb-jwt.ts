/** Creates a Key Binding JWT over a presented SD-JWT (RFC 9901 §4.3, §7.2 step 5). */
import type { Signer } from '../jose/signer.js';
import { formatError } from '../error-codes.js';
import { signCompactJws } from '../jose/sign-compact-jws.js';
import { sdDigest } from './compute-digest.js';

export const KB_JWT_TYP = 'kb+jwt';

export interface CreateKbJwtInput {
  /** `<JWT>~<selected Disclosures>~`, exactly as it will be sent. */
  sdJwtWithoutKb: string;
  holderSigner: Signer;
  nonce: string;
  aud: string;
  /** Seconds since the epoch. */
  iat: number;
}

/** Returns the KB-JWT; append it to `sdJwtWithoutKb` to get the SD-JWT+KB. */
export async function createKbJwt(input: CreateKbJwtInput): Promise<string> {
  if (!input.sdJwtWithoutKb.endsWith('~')) throw formatError('sd_jwt_malformed', 'SD-JWT must end with ~');
  // §4.3: typ kb+jwt; iat, aud, nonce, and sd_hash over the SD-JWT as presented (§4.3.1).
  return signCompactJws(
    { typ: KB_JWT_TYP },
    { iat: input.iat, aud: input.aud, nonce: input.nonce, sd_hash: sdDigest(input.sdJwtWithoutKb) },
    input.holderSigner,
  );
}
