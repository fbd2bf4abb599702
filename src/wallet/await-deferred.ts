/**
 * The wallet's side of deferred issuance (OpenID4VCI §9): while the credential (or deferred
 * credential) endpoint answers `transaction_id` + `interval`, wait `interval` seconds and ask the
 * deferred credential endpoint again with the same access token, up to `waitSeconds` in all. A
 * DPoP-bound token polls with the DPoP scheme and a fresh proof for that endpoint (RFC 9449 §7).
 */
import type { JsonObject } from '../formats/jose/types.js';
import { checkUrl, failed } from './wallet-http.js';
import { postWithToken, type DpopSession } from './dpop-calls.js';
import type { CredentialExchange } from './credential-request-encryption.js';

export interface DeferredPoll {
  endpoint: unknown;
  accessToken: string;
  waitSeconds: number;
  fetch: typeof fetch;
  /** The DPoP session the access token is bound to, when it is (token_type DPoP). */
  dpop?: DpopSession | undefined;
  /** Encrypted requests and responses, as at the credential endpoint (§9.1: the response key is sent again). */
  exchange?: CredentialExchange;
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
    const endpoint = checkUrl(poll.endpoint, 'deferred_credential_endpoint');
    // A DPoP-bound token with the DPoP scheme and a proof carrying `ath`, else as Bearer.
    response = await postWithToken(
      poll.fetch,
      poll.dpop,
      endpoint,
      poll.accessToken,
      { transaction_id: transactionId },
      'deferred credential endpoint',
      poll.exchange,
    );
  }
  return response;
}
