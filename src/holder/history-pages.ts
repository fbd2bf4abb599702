/**
 * Reading the holder's whole submission history (`GET /v1/wallet/history`), page by page, as
 * both wallets do (the CLI's src/wallet/fetch-history.ts, the page's src/web/wallet/history.ts):
 * the first page without a cursor, then each page's `next` until it is absent or null. Each page
 * is fetched by `fetchPage`, which signs a new history token for it (a token is single-use).
 */

/** Pages read for one key before a wallet stops asking a service whose list never ends (100 receipts a page). */
export const HISTORY_MAX_PAGES = 1000;

export interface HistoryPageBody<T> {
  items: readonly T[];
  next?: unknown;
}

/**
 * Every item of every page, in the order served. `endless()` is thrown for a service that sends
 * more than HISTORY_MAX_PAGES pages or a `next` that is not a new cursor (which would loop).
 */
export async function readHistoryPages<T>(
  endpoint: string,
  fetchPage: (url: string) => Promise<HistoryPageBody<T>>,
  endless: () => Error,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    if (page === HISTORY_MAX_PAGES) throw endless();
    const body: HistoryPageBody<T> = await fetchPage(cursor === null ? endpoint : `${endpoint}?cursor=${encodeURIComponent(cursor)}`);
    out.push(...body.items);
    const next = body.next;
    if (next === undefined || next === null) return out;
    if (typeof next !== 'string' || next === '' || seen.has(next)) throw endless();
    seen.add(next);
    cursor = next;
  }
}
