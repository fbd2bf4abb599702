/**
 * The counter channel's nonce (issue 14, class 6): the clerk's app asks for one before scanning,
 * shows it as a challenge the holder's wallet scans, and the wallet signs its KB-JWT over it
 * with the audience of THIS verifier client. The pipeline then accepts the presentation only at
 * this client's counter (`aud`, RFC 9901 §7.3 step 5), only for a nonce this client was issued
 * for the counter (not an OpenID4VP request's nonce, not another client's), and only once.
 *
 * Stored as a hash bound to the client (`counter|<client>|<nonce>`) in the single-use nonce
 * table, with its expiry; the consumption on first use is the usual consumed-nonce row.
 */
import { randomBytes, hash } from 'node:crypto';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import { counterChallengeLink } from '../holder/counter-challenge-link.js';
import type { PresentationDeps } from './presentation-deps.js';
import { counterAudience } from './verifier-identity.js';

export interface IssuedCounterNonce {
  nonce: string;
  aud: string;
  challenge: string;
  expires_at: string;
}

/** The stored form of a counter nonce issued to `clientId`. */
export const issuedCounterNonceHash = (clientId: string, nonce: string): string =>
  hash('sha256', `counter|${clientId}|${nonce}`, 'base64url');

export async function issueCounterNonce(deps: PresentationDeps, client: ApiClient): Promise<IssuedCounterNonce> {
  // OpenID4VP §5.2 / §14.1: at least 128 bits from a CSPRNG, URL-safe characters.
  const nonce = randomBytes(16).toString('base64url');
  const expiresAt = deps.clock.now() + deps.config.counterNonceTtlSeconds * 1000;
  await deps.store.nonces.consume(issuedCounterNonceHash(client.id, nonce), 'counter', expiresAt);
  const aud = counterAudience(deps.config.publicUrl, client.id);
  return { nonce, aud, challenge: counterChallengeLink({ aud, nonce }), expires_at: new Date(expiresAt).toISOString() };
}
