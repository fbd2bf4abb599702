/**
 * `POST /v1/verifier/engagements`: the clerk's app scanned a holder's engagement QR and asks for
 * the counter's preset claims. Story: the DCQL query is one we can answer (else nothing is
 * touched) → the handle is taken for THIS verifier client by one conditional UPDATE (a second
 * clerk, a second node or a replayed screenshot finds it taken) → an ordinary OpenID4VP request
 * is created (create-verifier-request.ts: signed request object, nonce, direct_post) → its link
 * is handed to the waiting wallet. The verifier then polls `GET /v1/verifier/requests/{id}` as
 * for any request; nothing about the answer differs from the verifier-shown direction.
 */
import type { LocalizedText } from '../../catalog/types.js';
import { AppError, badRequest } from '../../errors.js';
import { isEngagementHandle, parseEngagementLink } from '../../holder/engagement-link.js';
import type { ApiClient } from '../../store/repositories/clients-repo.js';
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

export async function redeemEngagement(deps: PresentationDeps, client: ApiClient, input: RedeemEngagementInput): Promise<CreatedRequest> {
  const handle = isEngagementHandle(input.engagement) ? input.engagement : parseEngagementLink(input.engagement);
  if (!handle)
    throw badRequest('engagement_invalid', "not a holder's engagement code (dproof-engage:…); scan the QR on the holder's phone again");
  parseDcqlQuery(input.dcql_query, deps.catalog, client); // refuses a query we cannot answer, before the handle is spent
  const hash = engagementHash('handle', handle);
  const rec = await deps.store.engagements.byHandle(hash);
  const now = deps.clock.now();
  if (!rec) throw new AppError('engagement_unknown', 'this engagement code is unknown; ask the holder to show a new QR');
  if (rec.client_id !== null)
    throw new AppError('engagement_used', 'this engagement code was already used; ask the holder to show a new QR');
  if (now >= rec.expires_at) throw badRequest('engagement_expired', 'this engagement code has expired; ask the holder to show a new QR');
  if (!(await deps.store.engagements.claim(hash, client.id, now))) {
    throw new AppError('engagement_used', 'this engagement code was already used; ask the holder to show a new QR');
  }
  const created = await createVerifierRequest(deps, client, {
    dcql_query: input.dcql_query,
    ...(input.purpose ? { purpose: input.purpose } : {}),
  });
  await deps.store.engagements.attachRequest(hash, created.id, created.authorization_request);
  return created;
}
