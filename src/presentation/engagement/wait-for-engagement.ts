/**
 * `GET /v1/wallet/engagements/request` (Authorization: Bearer <wait token>): the wallet that made
 * a handle waits for the request a counter makes with it (a long-poll: answered as soon as the
 * request exists, or `waiting` after at most ENGAGEMENT_WAIT_SECONDS, then the wallet asks again).
 * `expired` when nothing is left to collect: the handle passed its expiry with no request
 * delivered, or the request it was handed has expired, was answered already, or its verifier
 * client was revoked (its link would be refused).
 *
 * The store is read every POLL_MS, so a handle redeemed on another node is seen as quickly; the
 * wait ends early when the wallet goes away. How many waits are held is bounded per node, per
 * client address and per wait token (HeldWaits, held-waits.ts), so one client cannot hold them
 * all; a wait past a bound reads the store once and answers at once, `waiting` with a Retry-After
 * (the wallet asks again after that many seconds; the request, when there, is answered all the same).
 */
import { bearerCredentials } from '../../formats/authorization-header.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../errors.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { engagementHash } from './engagement-hash.js';
import type { HeldWaits } from './held-waits.js';

const POLL_MS = 100;

export type EngagementWait =
  { status: 'waiting'; expires_at: string } | { status: 'requested'; authorization_request: string } | { status: 'expired' };

/** What POST /v1/wallet/engagements hands out: 32 random bytes, base64url. */
const WAIT_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The two engagement_token_unknown refusals, each with what the wallet does next, in both languages. */
const NOT_A_WAIT_TOKEN = {
  en: 'this is not a wait token from POST /v1/wallet/engagements (43 base64url characters); send it as given, or make a new QR',
  ko: 'POST /v1/wallet/engagements에서 받은 대기 토큰(base64url 43자)이 아닙니다. 받은 그대로 보내거나 새 QR을 만드십시오.',
};
const NO_ENGAGEMENT = {
  en: 'this wait token names no engagement (expired and purged, or never made); make a new QR',
  ko: '이 대기 토큰에 해당하는 연결이 없습니다(만료되어 지워졌거나 만들어진 적이 없음). 새 QR을 만드십시오.',
};

/** `ko`: the refusal's own Korean sentence, where the catalogue's for its code would not say which. */
const refuse = (code: 'engagement_token_missing' | 'engagement_token_unknown', message: string, ko?: string) =>
  new AppError(code, message, { status: 401, ...(ko !== undefined && { ko }) });

/** The answer, and for a `waiting` one whose wait was not held (a bound reached) the seconds to wait before asking again. */
export interface EngagementWaitAnswer {
  answer: EngagementWait;
  retryAfterSeconds?: number;
}

export async function waitForEngagement(
  deps: Pick<PresentationDeps, 'store' | 'clock' | 'config'>,
  authorization: string | undefined,
  opts: { waitSeconds: number; gone: () => boolean; address: string; held: HeldWaits },
): Promise<EngagementWaitAnswer> {
  // RFC 6750 §2.1 (the scheme case-insensitive, RFC 9110 §11.1): missing only when no Bearer token
  // is sent at all; a token that is there but cannot be a wait token names no engagement.
  const token = bearerCredentials(authorization);
  if (!token) throw refuse('engagement_token_missing', 'send Authorization: Bearer <wait_token> from POST /v1/wallet/engagements');
  if (!WAIT_TOKEN.test(token)) throw refuse('engagement_token_unknown', NOT_A_WAIT_TOKEN.en, NOT_A_WAIT_TOKEN.ko);
  const hash = engagementHash('wait', token);
  const waitMs = Math.min(opts.waitSeconds, deps.config.engagementWaitSeconds) * 1000;
  // A wait of 0 s holds nothing; a longer one is held only while every bound has room. Taken
  // before the first read and given back in `finally`: on an answer, a refusal, a failed read and
  // a wallet gone alike.
  const release = waitMs > 0 ? opts.held.take(opts.address, hash) : NOTHING_HELD;
  const deadline = Date.now() + (release ? waitMs : 0);
  try {
    for (;;) {
      const rec = await deps.store.engagements.byWaitToken(hash);
      if (!rec) throw refuse('engagement_token_unknown', NO_ENGAGEMENT.en, NO_ENGAGEMENT.ko);
      if (rec.authorization_request !== null) return { answer: await handedRequest(deps, rec.request_id, rec.authorization_request) };
      // Past its expiry with no request delivered, nothing will come, whoever took the handle.
      if (deps.clock.now() >= rec.expires_at) return { answer: { status: 'expired' } };
      // Real time on purpose: this bounds how long a connection is held, not a protocol lifetime.
      if (Date.now() >= deadline || opts.gone()) {
        const answer: EngagementWait = { status: 'waiting', expires_at: new Date(rec.expires_at).toISOString() };
        return release ? { answer } : { answer, retryAfterSeconds: opts.held.caps.retryAfterSeconds };
      }
      await sleep(POLL_MS);
    }
  } finally {
    release?.();
  }
}

const NOTHING_HELD = () => {};

/**
 * The request a counter handed this wallet, while its request object can still be fetched; once
 * that request has expired (or is gone) its link is dead (invalid_request_uri), so `expired`: the
 * holder makes a new QR.
 */
async function handedRequest(
  deps: Pick<PresentationDeps, 'store' | 'clock'>,
  requestId: string | null,
  authorizationRequest: string,
): Promise<EngagementWait> {
  const request = requestId === null ? undefined : await deps.store.verifierRequests.get(requestId);
  if (!request || deps.clock.now() >= request.expires_at) return { status: 'expired' };
  // Answered already (by this wallet, on another screen): its link would be refused as answered.
  if (request.responded_at !== null) return { status: 'expired' };
  // Its verifier client revoked since: the link is dead too (sign-request-object.ts refuses it).
  const client = await deps.store.clients.get(request.client_id);
  if (client && client.revokedAt !== null) return { status: 'expired' };
  return { status: 'requested', authorization_request: authorizationRequest };
}
