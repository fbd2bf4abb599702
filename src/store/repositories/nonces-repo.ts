import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { GroupCommit } from '../group-commit.js';
import { insertEach, statementWriter, type UnitWriter } from '../batch-writer.js';

interface NonceRow {
  nonce_hash: string;
  kind: string;
  expires_at: number;
}

export const noncesRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  const writeBatch = statementWriter(writeUnits);
  // Every verification consumes a nonce: group-committed like issuance (see group-commit.ts),
  // a batch as one multi-row INSERT; a hash already there (or twice in the batch) is skipped.
  const consumes = new GroupCommit<NonceRow, boolean>((rows) =>
    insertEach(
      writeUnits,
      db
        .insertInto('consumed_nonces')
        .values(rows)
        .onConflict((oc) => oc.column('nonce_hash').doNothing())
        .returning('nonce_hash')
        .compile(),
      rows,
      'nonce_hash',
      (r) => r.nonce_hash,
    ),
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

    /** Is a value with this hash stored and not yet expired (an issued counter nonce)? One indexed read. */
    async isLive(nonceHash: string, now: number): Promise<boolean> {
      const row = await db
        .selectFrom('consumed_nonces')
        .select('nonce_hash')
        .where('nonce_hash', '=', nonceHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Deletes spent nonces past their expiry; through the batch writer, off the event loop on SQLite. */
    async purge(now: number): Promise<number> {
      const [deleted] = await writeBatch([db.deleteFrom('consumed_nonces').where('expires_at', '<=', now).compile()]);
      return deleted ?? 0;
    },
  };
};

export type NoncesRepo = ReturnType<typeof noncesRepo>;
