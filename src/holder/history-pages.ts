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

/** One wallet's read of one history (all pages): the receipts, and what the wallet asked them for. */
export interface HistoryRead<R, S> {
  receipts: readonly R[];
  /** The things this read was for (e.g. the credentials bound to the key it was asked with). */
  from: readonly S[];
}

/**
 * The receipts of several reads, each listed once. The service answers by holder key, so the same
 * receipt comes back from every read with that key (two credentials bound to it, a service named
 * twice): a receipt is its `id`, the service's receipt id (a UUID; src/presentation/record-receipt.ts,
 * viewReceipt). The first read to list a receipt gives its place, so the order is the reads' own
 * (each read newest first); `from` gathers every read's `from` that listed it, first read first.
 * An item without a string id is nothing to match on: it is kept, never taken for another.
 */
export function eachReceiptOnce<R extends object, S>(reads: Iterable<HistoryRead<R, S>>): { receipt: R; from: S[] }[] {
  const out: { receipt: R; from: S[] }[] = [];
  const byId = new Map<string, { receipt: R; from: S[] }>();
  for (const read of reads) {
    for (const receipt of read.receipts) {
      const id: unknown = (receipt as { id?: unknown }).id;
      const known = typeof id === 'string' ? byId.get(id) : undefined;
      if (known) {
        for (const s of read.from) if (!known.from.includes(s)) known.from.push(s);
        continue;
      }
      const entry = { receipt, from: [...new Set(read.from)] };
      out.push(entry);
      if (typeof id === 'string') byId.set(id, entry);
    }
  }
  return out;
}
