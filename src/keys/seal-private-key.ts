/**
 * AES-256-GCM sealing of a private key stored in the database (its `d`, 32 bytes) bound to its
 * owner (an OpenID4VP request id, or the OpenID4VCI request-encryption context) and kid as
 * additional data, so a sealed key copied onto another row does not open. The sealing key is
 * operatorSealKey (operator-seal-key.ts). Stored form: `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const aad = (owner: string, kid: string) => Buffer.from(`${owner}.${kid}`, 'utf8');

export function sealPrivateKey(key: Buffer, owner: string, kid: string, d: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(owner, kid));
  const ct = Buffer.concat([cipher.update(d, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The private `d`, or undefined when the sealed text is not ours (wrong secret, tampered, other row). */
export function openPrivateKey(key: Buffer, owner: string, kid: string, sealed: string): string | undefined {
  const [v, iv, ct, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !ct || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(aad(owner, kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
