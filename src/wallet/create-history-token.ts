/** Builds the `dproof-history+jwt` a wallet sends to GET /v1/wallet/history (format in list-holder-history.ts). */
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { Signer } from '../keys/signer.js';
import { signCompactJws } from '../formats/jose/sign-compact-jws.js';
import type { JsonObject } from '../formats/jose/types.js';

export async function createHistoryToken(input: { holderSigner: Signer; aud: string; iat: number; jti?: string }): Promise<string> {
  const { kid: _kid, alg: _alg, use: _use, ...jwk } = input.holderSigner.publicJwk;
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  return signCompactJws(
    { typ: 'dproof-history+jwt', jwk: jwk as JsonObject },
    { aud: input.aud, iat: input.iat, jti: input.jti ?? randomBytes(16).toString('base64url'), cnf: { jkt } },
    input.holderSigner,
  );
}
