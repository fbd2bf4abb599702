/**
 * The wallet's side of the counter engagement: ask the service for a one-time handle, show it as
 * a small QR with a countdown, and wait (long-poll, GET /v1/wallet/engagements/request with the
 * wait token only this page holds) for the openid4vp:// request the counter makes with it. The
 * request is then read and answered like any other (openid4vp.ts): consent, direct_post. Between
 * asks it waits what the service's Retry-After says (holder/await-counter-request.ts).
 */
import { awaitCounterRequest } from '../../holder/await-counter-request.js';
import { callApi } from '../shared/api.js';
import { qrCanvas } from '../shared/qr.js';
import { t } from '../shared/i18n.js';

export interface Engagement {
  link: string;
  canvas: HTMLCanvasElement | null;
  expiresAt: number;
  /** Set to stop waiting (a new QR, leaving the page's home view, the request arrived). */
  stopped: boolean;
}

interface Created {
  link: string;
  wait_token: string;
  expires_in: number;
}

/** Makes a handle and waits for its request in the background; `onRequest` gets the openid4vp:// link, `onExpired` the timeout. */
export async function startEngagement(
  onRequest: (link: string) => void,
  onExpired: () => void,
  onError: (e: unknown) => void,
): Promise<Engagement> {
  const created = await callApi<Created>('/v1/wallet/engagements', { method: 'POST' });
  const engagement: Engagement = {
    link: created.link,
    // Version 3 is 37 modules with its quiet zone: 8 px a module keeps it large on any screen.
    canvas: await qrCanvas(created.link, t('창구에 보여 줄 QR', 'QR to show at the counter'), 'M', 8),
    expiresAt: Date.now() + created.expires_in * 1000,
    stopped: false,
  };
  void (async () => {
    try {
      const end = await awaitCounterRequest({
        ask: async () => {
          let retryAfter: string | null = null;
          const body = await callApi<unknown>('/v1/wallet/engagements/request?wait=20', {
            bearer: created.wait_token,
            onHeaders: (h) => (retryAfter = h.get('retry-after')),
          });
          return { body, retryAfter };
        },
        expiresAt: engagement.expiresAt,
        stopped: () => engagement.stopped,
      });
      if (end.status === 'stopped') return;
      engagement.stopped = true;
      if (end.status === 'requested') return onRequest(end.authorization_request);
      if (end.status === 'expired') return onExpired();
      onError(
        new Error(
          t(
            '서비스가 알 수 없는 응답을 보냈습니다. 새 QR을 만들어 다시 시도하십시오.',
            'The service answered something this page does not know. Make a new QR and try again.',
          ),
        ),
      );
    } catch (e) {
      if (!engagement.stopped) onError(e);
    }
  })();
  return engagement;
}

/** Whole seconds left, for the countdown. */
export const secondsLeft = (e: Engagement): number => Math.max(0, Math.ceil((e.expiresAt - Date.now()) / 1000));
