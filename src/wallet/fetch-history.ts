/**
 * `wallet history`: where were my credentials presented? For each key that binds a credential,
 * a `dproof-history+jwt` (format in src/presentation/list-holder-history.ts) proves possession
 * to the service, which answers with the receipts of presentations made with that key, a page at
 * a time: the wallet follows each page's `next` (`?cursor=`) to the last, signing a new token for
 * every page (a token's jti is accepted once).
 */
import { createHistoryToken } from './create-history-token.js';
import { holderSignerFromJwk } from './holder-key.js';
import { isJsonObject, type JsonObject } from '../formats/jose/types.js';
import { call, checkUrl, failed } from './wallet-http.js';
import type { Wallet } from './wallet-file.js';

export interface HistoryEntry {
  credential: string;
  receipt: JsonObject;
}

/** Pages read for one key before the wallet gives up on a service that never ends its list (100 receipts a page). */
export const HISTORY_MAX_PAGES = 1000;

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
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; ; page++) {
      if (page === HISTORY_MAX_PAGES) throw failed(`history: ${aud} sent more than ${HISTORY_MAX_PAGES} pages`);
      // The token's aud is the endpoint itself, never the URL with its query.
      const token = await createHistoryToken({
        holderSigner: holder.signer,
        aud,
        iat: Math.floor((opts.now?.() ?? new Date()).getTime() / 1000),
      });
      const url = cursor === null ? aud : `${aud}?cursor=${encodeURIComponent(cursor)}`;
      const body = await call(f, url, { headers: { authorization: `Bearer ${token}` } }, 'history');
      const receipts = Array.isArray(body.items) ? body.items.filter(isJsonObject) : [];
      for (const r of receipts) out.push({ credential: cred.id, receipt: r });
      const next = body.next;
      if (next === undefined || next === null) break;
      // A cursor the service already sent would loop forever.
      if (typeof next !== 'string' || next === '' || seen.has(next))
        throw failed(`history: ${aud} sent a next page cursor that is not a new one`);
      seen.add(next);
      cursor = next;
    }
  }
  return out;
}
