import type { Kysely, Selectable } from 'kysely';
import type { Database, VerifierRequestsTable } from '../schema.js';
import { GroupCommit } from '../group-commit.js';
import { groupCommitted, statementWriter, type UnitWriter } from '../batch-writer.js';
import type { ReceiptRecord } from './receipts-repo.js';
import { changed, deleted } from '../affected-rows.js';

export type VerifierRequestRecord = Selectable<VerifierRequestsTable>;

export const verifierRequestsRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  // Every answer takes its request and stores its result: group-committed like the receipts
  // (group-commit.ts), on the store's write path (SQLite: the writer thread, so the fsync of
  // synchronous=FULL no longer stops the event loop). Each statement answers how many rows it changed.
  const writes = new GroupCommit(statementWriter(writeUnits));
  // Units of several statements (a result with its receipts), group-committed the same way.
  const writeUnit = groupCommitted(writeUnits);
  return {
    async insert(r: VerifierRequestRecord): Promise<void> {
      await db.insertInto('verifier_requests').values(r).execute();
    },

    async get(id: string): Promise<VerifierRequestRecord | undefined> {
      return db.selectFrom('verifier_requests').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async byState(state: string): Promise<VerifierRequestRecord | undefined> {
      return db.selectFrom('verifier_requests').selectAll().where('state', '=', state).executeTakeFirst();
    },

    /**
     * Takes the request for one response: ONE conditional UPDATE, so two nodes (or a replayed
     * POST) can never both process an answer to the same request. False when it was already
     * answered or has expired.
     */
    async take(id: string, now: number): Promise<boolean> {
      const rows = await writes.submit(
        db
          .updateTable('verifier_requests')
          .set({ responded_at: now })
          .where('id', '=', id)
          .where('responded_at', 'is', null)
          .where('expires_at', '>', now)
          .compile(),
      );
      return rows === 1;
    },

    /**
     * Gives back a request taken at `takenAt` whose answer could not be processed (a store or
     * signer fault after the take), so the wallet's retry is taken afresh; no-op once completed.
     */
    async release(id: string, takenAt: number): Promise<void> {
      await writes.submit(
        db
          .updateTable('verifier_requests')
          .set({ responded_at: null })
          .where('id', '=', id)
          .where('responded_at', '=', takenAt)
          .where('status', '=', 'pending')
          .compile(),
      );
    },

    /** Stores the result and the answer's receipts in one unit: both are committed, or neither. */
    async complete(
      id: string,
      status: 'verified' | 'rejected',
      result: string,
      purgeAt: number,
      receipts: readonly ReceiptRecord[] = [],
    ): Promise<void> {
      const update = {
        query: db.updateTable('verifier_requests').set({ status, result, purge_at: purgeAt }).where('id', '=', id).compile(),
      };
      if (receipts.length === 0) await writeUnit([update]);
      else
        await writeUnit([
          {
            query: db
              .insertInto('verification_receipts')
              .values([...receipts])
              .compile(),
          },
          update,
        ]);
    },

    /** Replaces the stored result by one without claim values, once; true for the reader that did it. */
    async markRead(id: string, resultWithoutValues: string, now: number): Promise<boolean> {
      const res = await db
        .updateTable('verifier_requests')
        .set({ result: resultWithoutValues, result_read_at: now })
        .where('id', '=', id)
        .where('result_read_at', 'is', null)
        .executeTakeFirst();
      return changed(res) === 1;
    },

    async purge(now: number): Promise<number> {
      const res = await db.deleteFrom('verifier_requests').where('purge_at', '<=', now).executeTakeFirst();
      return deleted(res);
    },
  };
};

export type VerifierRequestsRepo = ReturnType<typeof verifierRequestsRepo>;
