/**
 * Access tokens of the Pre-Authorized Code Flow (OpenID4VCI §6.2, RFC 6749 §5.1): opaque
 * 256-bit random strings, short-lived, bound to one offer; only their SHA-256 is stored.
 */
import { hashSecret, newSecret } from './vci-secrets.js';

export interface NewAccessToken {
  token: string;
  hash: string;
  expiresAt: number;
  expiresIn: number;
}

export function issueAccessToken(now: number, ttlSeconds: number): NewAccessToken {
  const token = newSecret();
  return { token, hash: hashSecret(token), expiresAt: now + ttlSeconds * 1000, expiresIn: ttlSeconds };
}
