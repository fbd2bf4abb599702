import { randomBytes, timingSafeEqual, hash } from 'node:crypto';

/**
 * API keys look like `dproof_<client id>_<secret>`: the id finds the client row, the secret is
 * 256 random bits. Only SHA-256 of the secret is stored; a slow password hash would add nothing
 * for a 256-bit random secret and would cost every request milliseconds.
 */
const KEY_PATTERN = /^dproof_(c[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const newClientId = () => `c${randomBytes(8).toString('hex')}`;

export function newApiKey(clientId: string): { apiKey: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { apiKey: `dproof_${clientId}_${secret}`, hash: apiKeySecretHash(secret) };
}

/**
 * Hex, as every stored api_clients row holds it: not the OpenID4VCI secrets' hash
 * (issuance/vci-secrets.ts, base64url), and kept apart by name so the two are never swapped.
 */
const apiKeySecretHash = (secret: string) => hash('sha256', secret, 'hex');

export function parseApiKey(apiKey: string): { clientId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(apiKey);
  return m ? { clientId: m[1] as string, secret: m[2] as string } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(apiKeySecretHash(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
