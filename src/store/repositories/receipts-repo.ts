import type { Kysely, Selectable } from 'kysely';
import type { Database, VerificationReceiptsTable } from '../schema.js';

export type ReceiptRecord = Selectable<VerificationReceiptsTable>;

export const receiptsRepo = (db: Kysely<Database>) => ({
  async insert(r: ReceiptRecord): Promise<void> {
    await db.insertInto('verification_receipts').values(r).execute();
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
});

export type ReceiptsRepo = ReturnType<typeof receiptsRepo>;
