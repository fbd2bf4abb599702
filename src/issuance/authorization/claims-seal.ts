/**
 * Claims of the Authorization Code Flow are held in the store only sealed (AES-256-GCM) under a
 * key derived from a secret the store never holds: the authorization code until the token
 * request, then the access token until the credential request takes them out. A copy of the
 * database, or a log of it, reveals no personal data; the credential endpoint opens them.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'sealed1.';

const keyOf = (secret: string): Buffer => createHmac('sha256', secret).update('dproof claims seal v1').digest();

export function sealClaims(json: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return `${PREFIX}${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** The JSON text, or undefined when the secret is not the one it was sealed under (or the text is damaged). */
export function openSealedClaims(sealed: string, secret: string): string | undefined {
  if (!sealed.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export const isSealed = (text: string): boolean => text.startsWith(PREFIX);

/** An offer's claims as JSON text: plain (pre-authorized offers) or sealed under the access token. */
export function offerClaimsText(stored: string | null, accessToken: string): string | null {
  if (stored === null || !isSealed(stored)) return stored;
  return openSealedClaims(stored, accessToken) ?? null;
}
