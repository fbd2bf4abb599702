/**
 * The wallet's side of deferred issuance (OpenID4VCI §9): while the credential (or deferred
 * credential) endpoint answers `transaction_id` + `interval`, wait `interval` seconds and ask the
 * deferred credential endpoint again with the same access token, up to `waitSeconds` in all.
 */
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';

export interface DeferredPoll {
  endpoint: unknown;
  accessToken: string;
  waitSeconds: number;
  fetch: typeof fetch;
  /** Waits `ms` (tests may pass a faster clock). */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function awaitDeferred(first: JsonObject, poll: DeferredPoll): Promise<JsonObject> {
  let response = first;
  const deadline = Date.now() + poll.waitSeconds * 1000;
  const sleep = poll.sleep ?? sleepFor;
  while (typeof response.transaction_id === 'string') {
    const transactionId = response.transaction_id;
    // §8.3: interval is the minimum wait, in seconds.
    const interval = typeof response.interval === 'number' && response.interval > 0 ? response.interval : 5;
    if (Date.now() + interval * 1000 > deadline)
      throw failed(
        `the issuer has not issued the credential yet (deferred; it asked to wait ${interval} s between polls): try --wait with more seconds`,
      );
    await sleep(interval * 1000);
    response = await call(
      poll.fetch,
      checkUrl(poll.endpoint, 'deferred_credential_endpoint'),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${poll.accessToken}` },
        body: JSON.stringify({ transaction_id: transactionId }),
      },
      'deferred credential endpoint',
    );
    if (!isJsonObject(response)) throw failed('the deferred credential endpoint did not answer with a JSON object');
  }
  return response;
}
