import type { Kysely, Selectable } from 'kysely';
import { GroupCommit } from '../group-commit.js';
import type { UnitWriter } from '../batch-writer.js';
import { nameBatchStatement } from '../prepared-query.js';
import type { Database, VerificationReceiptsTable } from '../schema.js';

export type ReceiptRecord = Selectable<VerificationReceiptsTable>;

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

    /** Receipts of presentations made with one holder key, newest first. */
    async forHolder(holderJkt: string, limit: number): Promise<ReceiptRecord[]> {
      return db
        .selectFrom('verification_receipts')
        .selectAll()
        .where('holder_jkt', '=', holderJkt)
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },
  };
};

export type ReceiptsRepo = ReturnType<typeof receiptsRepo>;
