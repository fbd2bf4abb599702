/** A new P-256 holder key (ES256), as a private JWK with its RFC 7638 thumbprint. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { WalletKey } from './wallet-file.js';

export async function createWalletKey(now: Date): Promise<WalletKey> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string }, 'sha256');
  return { kid, jwk: { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, created_at: now.toISOString() };
}

export const publicJwkOf = (key: WalletKey) => ({ kty: 'EC', crv: key.jwk.crv as string, x: key.jwk.x as string, y: key.jwk.y as string });
