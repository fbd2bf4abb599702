import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { GroupCommit } from '../group-commit.js';

interface NonceRow { nonce_hash: string; kind: string; expires_at: number }

export const noncesRepo = (db: Kysely<Database>) => {
  // Every verification consumes a nonce: group-committed like issuance (see group-commit.ts).
  const consumes = new GroupCommit<NonceRow, boolean>((rows) =>
    db.transaction().execute(async (tx) => {
      const out: boolean[] = [];
      for (const r of rows) {
        const res = await tx.insertInto('consumed_nonces').values(r).onConflict((oc) => oc.column('nonce_hash').doNothing()).executeTakeFirst();
        out.push(Number(res.numInsertedOrUpdatedRows ?? 0n) === 1);
      }
      return out;
    }),
  );
  return {
  /**
   * Consumes a single-use value with ONE statement: the INSERT of its hash either creates the
   * row (first use: true) or conflicts on the primary key (reuse: false), on any node. Resolves
   * after the commit.
   */
  consume(nonceHash: string, kind: string, expiresAt: number): Promise<boolean> {
    return consumes.submit({ nonce_hash: nonceHash, kind, expires_at: expiresAt });
  },

  async purge(now: number): Promise<number> {
    const res = await db.deleteFrom('consumed_nonces').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
  };
};

export type NoncesRepo = ReturnType<typeof noncesRepo>;
