/**
 * The verifier reads its request: `pending | verified | rejected | expired`. Only the client
 * that asked can read it (anyone else gets 404, as if it did not exist). Claim values are
 * handed out ONCE: the first read after completion returns them and the stored copy is
 * replaced by one without values in the same conditional update; later reads show the verdict
 * and the receipts only. Rows are purged after VERIFIER_RESULT_RETENTION_SECONDS. A same-device
 * request, once answered, is read only with its response_code (same-device/response-code.ts).
 */
import { notFound } from '../errors.js';
import type { JsonObject } from '../formats/jose/types.js';
import type { ApiClient } from '../store/repositories/clients-repo.js';
import type { PresentationDeps } from './presentation-deps.js';
import type { StoredPresentationResult } from './receive-direct-post.js';
import { checkResponseCode } from './same-device/response-code.js';

export type RequestStatus = 'pending' | 'verified' | 'rejected' | 'expired';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function withoutValues(result: StoredPresentationResult): StoredPresentationResult {
  const credentials: Record<string, JsonObject[]> = {};
  for (const [id, list] of Object.entries(result.credentials)) {
    credentials[id] = list.map((entry) => {
      const { claims: _claims, ...rest } = entry;
      return rest;
    });
  }
  return { ...result, credentials };
}

/** How long after its take an answer that has not completed is given up on (verifications take milliseconds). */
export const ABANDONED_ANSWER_MS = 60_000;

export async function readVerifierRequest(
  deps: PresentationDeps,
  client: ApiClient,
  id: string,
  /** Same-device requests (same-device/response-code.ts): the code the wallet brought back to the page. */
  responseCode?: string,
): Promise<JsonObject> {
  const now = deps.clock.now();
  const rec = await deps.store.verifierRequests.get(id);
  // A row past its purge time is gone, whether or not the purge timer has deleted it yet.
  if (!rec || rec.client_id !== client.id || now >= rec.purge_at)
    throw notFound('request_not_found', `no verifier request ${id} made by this client`);
  await checkResponseCode(deps, rec, responseCode, now);
  let status: RequestStatus = rec.status;
  // Expired: never answered in time, or taken by an answer that never completed (the process
  // handling it stopped) and is past its time by ABANDONED_ANSWER_MS.
  if (
    rec.status === 'pending' &&
    now >= rec.expires_at &&
    (rec.responded_at === null || now >= Math.max(rec.expires_at, rec.responded_at) + ABANDONED_ANSWER_MS)
  )
    status = 'expired';
  const view: JsonObject = {
    id: rec.id,
    status,
    created_at: iso(rec.created_at),
    expires_at: iso(rec.expires_at),
    responded_at: iso(rec.responded_at),
    purpose: rec.purpose === null ? null : (JSON.parse(rec.purpose) as JsonObject),
    claims_read_at: iso(rec.result_read_at),
  };
  if (rec.result === null) return view;
  const stored = JSON.parse(rec.result) as StoredPresentationResult;
  let result = stored;
  if (rec.result_read_at === null) {
    const stripped = withoutValues(stored);
    // Only the reader whose update wins gets the values (two concurrent reads: one gets them).
    if (await deps.store.verifierRequests.markRead(rec.id, JSON.stringify(stripped), now)) view.claims_read_at = iso(now);
    else result = stripped;
  }
  view.result = result as unknown as JsonObject;
  return view;
}
