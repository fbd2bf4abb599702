import type { Kysely, Selectable } from 'kysely';
import { GroupCommit } from '../group-commit.js';
import type { UnitWriter } from '../batch-writer.js';
import { nameBatchStatement } from '../prepared-query.js';
import type { Database, VerificationReceiptsTable } from '../schema.js';

export type ReceiptRecord = Selectable<VerificationReceiptsTable>;

/** Where a page of a holder's receipts ends: the last receipt's time and id. */
export interface HistoryPosition {
  at: number;
  id: string;
}

export const receiptsRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  // One receipt per verification: group-committed like issuance (see group-commit.ts), a batch
  // as one multi-row INSERT (a failing row fails it; GroupCommit then retries row by row).
  const inserts = new GroupCommit<ReceiptRecord, void>(async (rows) => {
    const query = db.insertInto('verification_receipts').values(rows).compile();
    nameBatchStatement(query.sql, rows.length);
    await writeUnits([[{ query }]]);
    return rows.map(() => undefined);
  });
  return {
    /** Resolves after the receipt is committed. */
    insert(r: ReceiptRecord): Promise<void> {
      return inserts.submit(r);
    },

    async get(id: string): Promise<ReceiptRecord | undefined> {
      return db.selectFrom('verification_receipts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * One page of the receipts of presentations made with one holder key, newest first: by `at`,
     * then `id` (two receipts of the same millisecond keep one order), and after `after` (the last
     * receipt of the previous page) when given. A keyset page, not an OFFSET: receipts recorded
     * while the holder pages do not shift the next page, on SQLite and PostgreSQL alike.
     */
    async forHolder(holderJkt: string, page: { limit: number; after?: HistoryPosition }): Promise<ReceiptRecord[]> {
      let query = db.selectFrom('verification_receipts').selectAll().where('holder_jkt', '=', holderJkt);
      const a = page.after;
      // The row value orders exactly as ORDER BY does; `at <= ?` beside it lets both stores seek
      // in the (holder_jkt, at) index instead of reading the holder's newer receipts again.
      if (a) query = query.where('at', '<=', a.at).where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(a.at, a.id)));
      return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
    },
  };
};

export type ReceiptsRepo = ReturnType<typeof receiptsRepo>;
