/** DPoP proofs (RFC 9449 §4.2) for tests, signed with real keys by jose. */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { HolderKey } from './vci-helpers.js';

export interface DpopOptions {
  htm?: string;
  htu: string;
  nonce?: string;
  accessToken?: string;
  iat?: number;
  jti?: string;
  typ?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

export const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function dpopProof(key: HolderKey, o: DpopOptions): Promise<string> {
  const alg = key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256';
  const payload: Record<string, unknown> = {
    htm: o.htm ?? 'POST',
    htu: o.htu,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    jti: o.jti ?? randomUUID(),
    ...(o.nonce !== undefined && { nonce: o.nonce }),
    ...(o.accessToken !== undefined && { ath: ath(o.accessToken) }),
    ...o.payload,
  };
  return new SignJWT(payload).setProtectedHeader({ alg, typ: o.typ ?? 'dpop+jwt', jwk: key.jwk, ...o.header }).sign(key.privateKey);
}
