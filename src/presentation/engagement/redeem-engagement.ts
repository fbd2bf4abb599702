/**
 * `POST /v1/verifier/engagements`: the clerk's app scanned a holder's engagement QR and asks for
 * the counter's preset claims. Story: the handle is one that can still be redeemed → an ordinary
 * OpenID4VP request is created (create-verifier-request.ts: every check that can refuse — DCQL,
 * client identifier, X.509 identity — then the stored request with its nonce, direct_post; a
 * refusal touches nothing) → the handle is taken for THIS verifier client and the request's link
 * handed to the waiting wallet by one conditional UPDATE (a second clerk, a second node or a
 * replayed screenshot finds it taken; the losing redeem's request is deleted again). The verifier
 * then polls `GET /v1/verifier/requests/{id}` as for any request; nothing about the answer
 * differs from the verifier-shown direction.
 */
import type { LocalizedText } from '../../catalog/types.js';
import { AppError, badRequest } from '../../errors.js';
import { isEngagementHandle, parseEngagementLink } from '../../holder/engagement-link.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
import type { EngagementRecord } from '../../store/repositories/engagements-repo.js';
import { createVerifierRequest, type CreatedRequest } from '../create-verifier-request.js';
import { parseDcqlQuery } from '../parse-dcql-query.js';
import type { PresentationDeps } from '../presentation-deps.js';
import { engagementHash } from './engagement-hash.js';

export interface RedeemEngagementInput {
  /** The scanned text (`dproof-engage:<handle>`) or the bare handle. */
  engagement: string;
  dcql_query: unknown;
  purpose?: LocalizedText;
}

const NEW_QR_KO = '소지자에게 새 QR을 보여 달라고 하십시오.';

/** Why a handle cannot be redeemed, in both languages (statuses from the catalogue: 404, 409, 400). */
const REFUSALS = {
  engagement_unknown: { en: 'this engagement code is unknown; ask the holder to show a new QR', ko: `알 수 없는 QR입니다. ${NEW_QR_KO}` },
  engagement_used: {
    en: 'this engagement code was already used; ask the holder to show a new QR',
    ko: `이미 사용된 QR입니다. ${NEW_QR_KO}`,
  },
  engagement_expired: {
    en: 'this engagement code has expired; ask the holder to show a new QR',
    ko: `유효 시간이 지난 QR입니다. ${NEW_QR_KO}`,
  },
} as const;

const refused = (code: keyof typeof REFUSALS) => new AppError(code, REFUSALS[code].en, { ko: REFUSALS[code].ko });

/** Why this handle can no longer be claimed, in the order the checks run; undefined while it can. */
function whyNot(rec: EngagementRecord | undefined, now: number): keyof typeof REFUSALS | undefined {
  if (!rec) return 'engagement_unknown';
  if (rec.client_id !== null) return 'engagement_used';
  if (now >= rec.expires_at) return 'engagement_expired';
  return undefined;
}

export async function redeemEngagement(deps: PresentationDeps, client: ApiClient, input: RedeemEngagementInput): Promise<CreatedRequest> {
  const handle = isEngagementHandle(input.engagement) ? input.engagement : parseEngagementLink(input.engagement);
  if (!handle)
    throw badRequest('engagement_invalid', "not a holder's engagement code (dproof-engage:…); scan the QR on the holder's phone again");
  parseDcqlQuery(input.dcql_query, deps.catalog, client); // refuses a query we cannot answer, before the store is read
  const hash = engagementHash('handle', handle);
  const why = whyNot(await deps.store.engagements.byHandle(hash), deps.clock.now());
  if (why) throw refused(why);
  // Every check that can refuse (the query, the client identifier and its X.509 identity, the
  // purpose) runs here, before the handle is touched: a refused redeem leaves it for the next clerk.
  const created = await createVerifierRequest(deps, client, {
    dcql_query: input.dcql_query,
    ...(input.purpose ? { purpose: input.purpose } : {}),
  });
  // Made in the default mode (direct_post), so it has its link; the check only tells TypeScript.
  if (!('authorization_request' in created)) throw new Error('an engagement request is made in direct_post mode');
  // The handle is taken together with the request it hands over (one UPDATE): never spent on a
  // request nobody received. When it is not taken, the request made for it goes again. When the
  // claim fails (a store fault), its outcome is unknown (an UPDATE may still commit after the
  // connection broke): the request is left to expire unused rather than deleted from under a
  // claim that may yet hold it.
  const claimed = await deps.store.engagements.claim(hash, client.id, deps.clock.now(), created);
  if (!claimed) {
    await discard(deps, created.id);
    // The claim also fails for a handle that expired or was purged since the read: the row read
    // again in a new statement says which (what a rival counter committed is seen there).
    throw refused(whyNot(await deps.store.engagements.byHandle(hash), deps.clock.now()) ?? 'engagement_used');
  }
  return created;
}

/**
 * Deletes the request a failed redeem made (guarded in the store: never one an engagement holds,
 * so a claim that committed before a fault keeps its request). Best effort: when this fails too,
 * the request nobody was given simply expires; the redeem's own answer stands.
 */
async function discard(deps: PresentationDeps, requestId: string): Promise<void> {
  try {
    await deps.store.engagements.discardUnhandedRequest(requestId);
  } catch (e) {
    deps.log?.warn({ err: e }, 'counter redeem: could not delete the request of a handle it did not take; it expires unused');
  }
}
