/**
 * Key proofs for a credential request in the reference wallet: a fresh c_nonce from the nonce
 * endpoint (OpenID4VCI §7), then one `jwt` proof per key (Appendix F.1).
 */
import type { JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import { createProofJwt } from './create-proof-jwt.js';
import type { WalletKey } from './wallet-file.js';

export async function createKeyProofs(
  f: typeof fetch,
  metadata: JsonObject,
  issuer: string,
  keys: readonly WalletKey[],
  now: () => Date,
): Promise<{ jwt: string[] }> {
  const nonce = await call(f, checkUrl(metadata.nonce_endpoint, 'nonce_endpoint'), { method: 'POST' }, 'nonce endpoint');
  if (typeof nonce.c_nonce !== 'string') throw failed('the nonce endpoint sent no c_nonce');
  const cNonce = nonce.c_nonce;
  return { jwt: await Promise.all(keys.map((k) => createProofJwt(k, { audience: issuer, nonce: cNonce, now: now() }))) };
}
