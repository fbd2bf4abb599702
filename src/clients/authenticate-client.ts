import type { Store } from '../store/store.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { ClientRole } from '../store/schema.js';
import { forbidden, unauthorized } from '../errors.js';
import { bearerCredentials } from '../formats/authorization-header.js';
import { parseApiKey, secretMatches } from './api-key.js';

/** `Authorization: Bearer <apiKey>` → the client, or 401. Every failure answers alike. */
export async function authenticateClient(store: Store, authorization: string | undefined): Promise<ApiClient> {
  if (!authorization) throw unauthorized('missing_api_key', 'send the API key as "Authorization: Bearer <apiKey>"');
  // The one reading of the header every token endpoint shares (authorization-header.ts): one key
  // is one key however the header is spelt (several spaces or a tab after the scheme, RFC 9110).
  const key = bearerCredentials(authorization);
  if (key === undefined || /[ \t]/.test(key))
    throw unauthorized('malformed_authorization', 'the Authorization header must be "Bearer <apiKey>"');
  const parsed = parseApiKey(key);
  const client = parsed ? await store.clients.authenticated(parsed.clientId, performance.now()) : undefined;
  if (!parsed || !client || !secretMatches(parsed.secret, client.keyHash)) {
    throw unauthorized('invalid_api_key', 'the API key is not valid');
  }
  if (client.revokedAt !== null) throw unauthorized('revoked_api_key', 'this API key was revoked; ask the operator for a new one');
  return client;
}

export function requireRole(client: ApiClient, roles: readonly ClientRole[]): void {
  if (!roles.includes(client.role)) {
    throw forbidden(
      'wrong_role',
      `this action needs ${withArticle(roles.join(' or '))} client; this key belongs to ${withArticle(client.role)} client`,
    );
  }
}

/** "an issuer", "an admin", "a verifier". */
const withArticle = (word: string): string => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
