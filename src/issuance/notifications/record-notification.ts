/**
 * Notification Endpoint (OpenID4VCI §11): the wallet reports `credential_accepted`,
 * `credential_failure` or `credential_deleted` for the credentials of one response. The access
 * token must be valid (the one the credentials went to, §11); the notification_id must be one it
 * received (§11.3 invalid_notification_id); repeated identical calls succeed (idempotent, §11).
 */
import { isJsonObject } from '../../formats/jose/types.js';
import { bearerError, credentialError, requiredString } from '../vci-errors.js';
import { hashSecret, sameHash } from '../vci-secrets.js';
import type { VciDeps } from '../vci-deps.js';

export const NOTIFICATION_EVENTS = ['credential_accepted', 'credential_failure', 'credential_deleted'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** §11.1 event_description: ASCII %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`). */
const DESCRIPTION = /^[\x20\x21\x23-\x5B\x5D-\x7E]{0,1000}$/;

export async function recordNotification(deps: VciDeps, accessToken: string, body: unknown): Promise<void> {
  const now = deps.clock.now();
  const tokenHash = hashSecret(accessToken);
  // Only the token's expiry: the offer's row (read with it at the credential endpoint) is not needed here.
  const expiresAt = await deps.store.vci.accessTokenExpiry(tokenHash);
  const tokenValid = (expiresAt !== undefined && expiresAt > now) || (await deps.store.vciIssuance.tokenHasNotifications(tokenHash, now));
  if (!tokenValid)
    throw bearerError(
      'invalid_token',
      'the access token is unknown or expired',
      '알 수 없거나 만료된 접근 토큰입니다. 토큰을 다시 받으십시오.',
    );

  if (!isJsonObject(body))
    throw credentialError(
      'invalid_notification_request',
      'the notification request must be a JSON object',
      '알림 요청 본문은 JSON 객체여야 합니다.',
    );
  const { event, event_description: description } = body;
  const id = requiredString(body.notification_id, 'notification_id', 'invalid_notification_request', 128);
  if (typeof event !== 'string' || !(NOTIFICATION_EVENTS as readonly string[]).includes(event))
    throw credentialError(
      'invalid_notification_request',
      `event must be one of ${NOTIFICATION_EVENTS.join(', ')}`,
      `이벤트(event)는 ${NOTIFICATION_EVENTS.join(', ')} 중 하나여야 합니다.`,
    );
  if (description !== undefined && (typeof description !== 'string' || !DESCRIPTION.test(description)))
    throw credentialError(
      'invalid_notification_request',
      'event_description must be printable ASCII without quotes or backslashes',
      '이벤트 설명(event_description)은 따옴표와 역슬래시가 없는 출력 가능한 ASCII 문자여야 합니다.',
    );

  const rec = await deps.store.vciIssuance.notification(id);
  if (!rec || !sameHash(rec.token_hash, tokenHash) || rec.expires_at <= now)
    throw credentialError(
      'invalid_notification_id',
      'the notification_id is unknown, expired or not for this access token',
      '알림 식별자(notification_id)가 알 수 없는 식별자이거나, 만료되었거나, 이 접근 토큰으로 받은 증명서의 것이 아닙니다.',
    );
  // The description is the wallet's free text: not stored (it may say more than we want to keep).
  await deps.store.vciIssuance.recordEvent(id, event, now);
}
