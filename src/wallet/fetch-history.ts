/**
 * `wallet history`: where were my credentials presented? For each key that binds a credential,
 * a `dproof-history+jwt` (format in src/presentation/list-holder-history.ts) proves possession
 * to the service, which answers with the receipts of presentations made with that key, a page at
 * a time: the wallet follows each page's `next` (`?cursor=`) to the last, signing a new token for
 * every page (a token's jti is accepted once).
 */
import { HISTORY_MAX_PAGES, readHistoryPages } from '../holder/history-pages.js';
import { createHistoryToken } from './create-history-token.js';
import { holderSignerFromJwk } from './holder-key.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

export interface HistoryEntry {
  credential: string;
  receipt: JsonObject;
}

export async function fetchHistory(
  wallet: Wallet,
  opts: { service?: string; fetch?: typeof fetch; now?: () => Date } = {},
): Promise<HistoryEntry[]> {
  const f = opts.fetch ?? fetch;
  const out: HistoryEntry[] = [];
  for (const cred of wallet.credentials.filter((c) => c.key !== null)) {
    const key = wallet.keys.find((k) => k.kid === cred.key);
    if (!key) continue;
    const service = (opts.service ?? cred.credential_issuer).replace(/\/+$/, '');
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
    for (const r of receipts) out.push({ credential: cred.id, receipt: r });
  }
  return out;
}
