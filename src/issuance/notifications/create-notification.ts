/**
 * OpenID4VCI §8.3 / §11: one `notification_id` per credential response, bound to the access token
 * that received it and to the credentials it carried; the wallet may report on it while the
 * token would still be valid (ACCESS_TOKEN_TTL_SECONDS from the response).
 */
import type { Insertable } from 'kysely';
import { hashSecret } from '../vci-secrets.js';
import { randomText } from '../../random-source.js';
import type { VciDeps } from '../vci-deps.js';
import type { WriteStep } from '../../store/batch-writer.js';
import type { VciNotificationsTable } from '../../store/schema.js';

export async function createNotification(
  deps: VciDeps,
  accessToken: string,
  credentialIds: readonly string[],
  dpopJkt: string | null,
): Promise<string> {
  const row = notificationRow(deps, accessToken, dpopJkt);
  await deps.store.vciIssuance.insertNotification(row, credentialIds);
  return row.id;
}

/**
 * A new notification id and the statement that records it, for a caller that commits it in its
 * own unit and writes the id into the credential records it inserts there (the credential
 * endpoint: with the consumption of the offer, one commit fewer). Nothing refers to the row but
 * the wallet's later call, so it may precede its credentials.
 */
export function notificationSteps(
  deps: Pick<VciDeps, 'store' | 'clock' | 'config'>,
  accessToken: string,
  dpopJkt: string | null,
): { id: string; steps: WriteStep[] } {
  const row = notificationRow(deps, accessToken, dpopJkt);
  return { id: row.id, steps: deps.store.vciIssuance.insertNotificationSteps(row, []) };
}

function notificationRow(
  deps: Pick<VciDeps, 'clock' | 'config'>,
  accessToken: string,
  dpopJkt: string | null,
): Insertable<VciNotificationsTable> & { id: string } {
  const now = deps.clock.now();
  return {
    id: randomText(16),
    token_hash: hashSecret(accessToken),
    // RFC 9449: the notification endpoint asks for the same DPoP key as the token did.
    dpop_jkt: dpopJkt,
    created_at: now,
    expires_at: now + deps.config.accessTokenTtlSeconds * 1000,
    event: null,
    event_at: null,
  };
}
