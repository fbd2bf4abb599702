/** A `jwt` key proof (OpenID4VCI Appendix F.1) signed with a wallet key. */
import { importJWK, SignJWT } from 'jose';
import { publicJwkOf } from './create-wallet-key.js';
import type { WalletKey } from './wallet-file.js';

export async function createProofJwt(key: WalletKey, opts: { audience: string; nonce: string; now: Date }): Promise<string> {
  const privateKey = await importJWK(key.jwk, 'ES256');
  // F.1: typ openid4vci-proof+jwt, the key in `jwk`; no `iss` (anonymous pre-authorized access).
  return new SignJWT({ nonce: opts.nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: publicJwkOf(key) })
    .setAudience(opts.audience)
    .setIssuedAt(Math.floor(opts.now.getTime() / 1000))
    .sign(privateKey);
}
