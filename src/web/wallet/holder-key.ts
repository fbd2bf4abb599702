/**
 * Holder keys in the browser: P-256 pairs from WebCrypto with a NON-extractable private key,
 * one per credential (a key binds one credential, so two presentations of two credentials
 * cannot be linked by their key). JWS signing goes through jose, which takes the CryptoKey as is.
 */
import { calculateJwkThumbprint, CompactSign, type JWK } from 'jose';
import { putKey, type StoredKey } from './wallet-db.js';

const enc = new TextEncoder();

/** A P-256 pair with a NON-extractable private key, and its public JWK (kty, crv, x, y only). */
export async function generateP256Key(): Promise<{ privateKey: CryptoKey; publicJwk: JsonWebKey }> {
  // extractable = false applies to the private key; the public key is always exportable.
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const full = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: full.x, y: full.y } };
}

export async function createHolderKey(): Promise<StoredKey> {
  const { privateKey, publicJwk } = await generateP256Key();
  const kid = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
  const key: StoredKey = { kid, privateKey, publicJwk, created_at: new Date().toISOString() };
  await putKey(key);
  return key;
}

/** A compact JWS (ES256) over a JSON payload; `alg` is always ES256 here. */
export async function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey): Promise<string> {
  return new CompactSign(enc.encode(JSON.stringify(payload))).setProtectedHeader({ ...header, alg: 'ES256' }).sign(key);
}

export const thumbprint = (jwk: JsonWebKey) => calculateJwkThumbprint(jwk as JWK, 'sha256');
