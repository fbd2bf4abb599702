import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export const noncesRepo = (db: Kysely<Database>) => ({
  /**
   * Consumes a single-use value with ONE statement: the INSERT of its hash either creates the
   * row (first use: true) or conflicts on the primary key (reuse: false), on any node.
   */
  async consume(nonceHash: string, kind: string, expiresAt: number): Promise<boolean> {
    const res = await db
      .insertInto('consumed_nonces')
      .values({ nonce_hash: nonceHash, kind, expires_at: expiresAt })
      .onConflict((oc) => oc.column('nonce_hash').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  },

  async purge(now: number): Promise<number> {
    const res = await db.deleteFrom('consumed_nonces').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
});

export type NoncesRepo = ReturnType<typeof noncesRepo>;
