/**
 * The holder's side of a direct_post answer (OpenID4VP 1.0 §8.2): the Response URI answers with
 * a `redirect_uri` carrying a fresh `response_code`, and that address gives the holder the
 * verdict and, when refused, the reason in plain words (holder-messages.ts); never a claim
 * value, never the verifier's checks. So the wallet learns what happened on the standard path,
 * not through a private channel.
 *
 * The code is `<request id>.<128 random bits>`; only its hash is stored (in the single-use value
 * table, kind `result`, until the request's result is purged), so reading the database, or
 * knowing the request's `state`, gives no one the result address.
 */
import { randomBytes, hash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { JsonObject } from '../formats/jose/types.js';
import { ACCEPTED_WHOLE_CREDENTIAL, holderMessage } from '../verdict/holder-messages.js';
import type { PresentationDeps } from './presentation-deps.js';
import type { StoredPresentationResult } from './receive-direct-post.js';
import { issueResponseCode } from './same-device/response-code.js';

const CODE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;
const resultHash = (code: string): string => hash('sha256', `result|${code}`, 'base64url');
export const holderResultUrl = (publicUrl: string, code: string): string => `${publicUrl}/openid4vp/results/${code}`;

/**
 * After a direct_post was processed: the `redirect_uri` for the wallet that posted `state`: the
 * verifier's frontend with a response_code for a same-device request (§13.3), else the holder's result.
 */
export async function issueHolderResult(deps: Pick<PresentationDeps, 'store' | 'config'>, state: string): Promise<string | undefined> {
  const rec = await deps.store.verifierRequests.byState(state);
  if (rec?.redirect_uri) return issueResponseCode(deps, rec);
  if (!rec || !/^[A-Za-z0-9_-]{22}$/.test(rec.id)) return undefined;
  const code = `${rec.id}.${randomBytes(16).toString('base64url')}`;
  await deps.store.nonces.consume(resultHash(code), 'result', rec.purge_at);
  return holderResultUrl(deps.config.publicUrl, code);
}

/** Did a presented credential go whole (VC-JWT, no selective disclosure)? */
const sentWhole = (result: StoredPresentationResult): boolean =>
  Object.values(result.credentials).some((list) => list.some((c) => c.disclosure !== undefined));

/** `GET /openid4vp/results/{response_code}`: verdict, code and the holder's sentence. */
export async function readHolderResult(deps: Pick<PresentationDeps, 'store' | 'clock'>, code: string): Promise<JsonObject> {
  const m = CODE.exec(code);
  const unknown = () => new AppError('result_not_found', 'no result at this address (mistyped, or past its retention)');
  if (!m || !(await deps.store.nonces.isLive(resultHash(code), deps.clock.now()))) throw unknown();
  const rec = await deps.store.verifierRequests.get(m[1]!);
  if (!rec || rec.result === null) throw unknown();
  const result = JSON.parse(rec.result) as StoredPresentationResult;
  const client = await deps.store.clients.get(rec.client_id);
  return {
    verdict: result.verdict,
    code: result.code,
    message: { ...(result.verdict === 'verified' && sentWhole(result) ? ACCEPTED_WHOLE_CREDENTIAL : holderMessage(result.code)) },
    verifier: { name: client?.name ?? null },
    at: new Date(rec.responded_at ?? rec.created_at).toISOString(),
  };
}
