/**
 * OpenID4VCI §8.3 / §11: one `notification_id` per credential response, bound to the access token
 * that received it and to the credentials it carried; the wallet may report on it while the
 * token would still be valid (ACCESS_TOKEN_TTL_SECONDS from the response).
 */
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../vci-secrets.js';
import type { VciDeps } from '../vci-deps.js';

export async function createNotification(
  deps: VciDeps,
  accessToken: string,
  credentialIds: readonly string[],
  dpopJkt: string | null,
): Promise<string> {
  const id = randomBytes(16).toString('base64url');
  const now = deps.clock.now();
  await deps.store.vciIssuance.insertNotification(
    {
      id,
      token_hash: hashSecret(accessToken),
      // RFC 9449: the notification endpoint asks for the same DPoP key as the token did.
      dpop_jkt: dpopJkt,
      created_at: now,
      expires_at: now + deps.config.accessTokenTtlSeconds * 1000,
      event: null,
      event_at: null,
    },
    credentialIds,
  );
  return id;
}
