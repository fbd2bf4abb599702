/**
 * `wallet history`: where were my credentials presented? For each key that binds a credential,
 * a `dproof-history+jwt` (format in src/presentation/list-holder-history.ts) proves possession
 * to the service, which answers with the receipts of presentations made with that key, a page at
 * a time: the wallet follows each page's `next` (`?cursor=`) to the last, signing a new token for
 * every page (a token's jti is accepted once).
 *
 * The service answers by key, not by credential: credentials bound to one key (asked from one
 * service) share their receipts, so that key is asked once for all of them, and a receipt two
 * reads both list (a service named twice) is listed once (eachReceiptOnce, shared with the web wallet).
 */
import { eachReceiptOnce, HISTORY_MAX_PAGES, readHistoryPages, type HistoryRead } from '../holder/history-pages.js';
import { createHistoryToken } from './create-history-token.js';
import { holderSignerFromJwk } from './holder-key.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import type { Wallet, WalletKey } from './wallet-file.js';

export interface HistoryEntry {
  /** The first of `credentials`, the wallet's first credential bound to the key the receipt was listed for. */
  credential: string;
  /**
   * Every credential bound to that key, in wallet order. The receipt says which key presented, not
   * which of the credentials bound to it: naming only one would say the others were never shown.
   */
  credentials: string[];
  receipt: JsonObject;
}

export async function fetchHistory(
  wallet: Wallet,
  opts: { service?: string; fetch?: typeof fetch; now?: () => Date } = {},
): Promise<HistoryEntry[]> {
  const f = opts.fetch ?? fetch;
  // One read per service and key, for every credential bound to that key.
  const asks = new Map<string, { service: string; key: WalletKey; credentials: string[] }>();
  for (const cred of wallet.credentials) {
    const key = cred.key === null ? undefined : wallet.keys.find((k) => k.kid === cred.key);
    if (!key) continue;
    const service = (opts.service ?? cred.credential_issuer).replace(/\/+$/, '');
    const ask = JSON.stringify([service, key.kid]);
    const known = asks.get(ask);
    if (known) known.credentials.push(cred.id);
    else asks.set(ask, { service, key, credentials: [cred.id] });
  }
  const reads: HistoryRead<JsonObject, string>[] = [];
  for (const { service, key, credentials } of asks.values()) {
    const aud = checkUrl(`${service}/v1/wallet/history`, 'history endpoint');
    const holder = await holderSignerFromJwk(key.jwk);
    const receipts = await readHistoryPages(
      aud,
      async (url) => {
        // The token's aud is the endpoint itself, never the URL with its query.
        const token = await createHistoryToken({
          holderSigner: holder.signer,
          aud,
          iat: Math.floor((opts.now?.() ?? new Date()).getTime() / 1000),
        });
        const body = await call(f, url, { headers: { authorization: `Bearer ${token}` } }, 'history');
        return { items: Array.isArray(body.items) ? body.items.filter(isJsonObject) : [], next: body.next };
      },
      () => failed(`history: ${aud} sent more than ${HISTORY_MAX_PAGES} pages, or a next page cursor that is not a new one`),
    );
    reads.push({ receipts, from: credentials });
  }
  return eachReceiptOnce(reads).map(({ receipt, from }) => ({ credential: from[0]!, credentials: from, receipt }));
}
