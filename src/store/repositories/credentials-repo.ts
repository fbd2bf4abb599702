import type { CompiledQuery, Kysely, Selectable } from 'kysely';
import type { CredentialsTable, Database } from '../schema.js';
import type { AuditEvent } from './audit-repo.js';
import { GroupCommit } from '../group-commit.js';
import { insertEach, type UnitWriter, type WriteStep } from '../batch-writer.js';
import { changed } from '../affected-rows.js';
import { preparedQuery } from '../prepared-query.js';

export type CredentialRecord = Selectable<CredentialsTable>;

/** Every column of a credential record, in the order its prepared INSERT binds them. */
const RECORD_COLUMNS = [
  'id',
  'type',
  'format',
  'status_list',
  'status_idx',
  'status',
  'kid',
  'holder_jkt',
  'client_id',
  'issued_at',
  'expires_at',
  'credential_hash',
  'status_changed_at',
  'notification_id',
] as const satisfies readonly (keyof CredentialRecord)[];
// A column added to the table and not to the list above would be left out of the INSERT: the build fails instead.
const everyColumnListed: Exclude<keyof CredentialRecord, (typeof RECORD_COLUMNS)[number]> extends never ? true : never = true;
void everyColumnListed;

export interface ListCredentialsQuery {
  clientId?: string;
  type?: string;
  limit: number;
  /** Cursor: return records issued before this one (by issued_at, then id). */
  before?: { issuedAt: number; id: string };
}

export const credentialsRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  /** One page of the registry, newest first; a test reads its plan (listing-indexes.test.ts). */
  const listQuery = (q: ListCredentialsQuery): CompiledQuery<CredentialRecord> => {
    let query = db.selectFrom('credentials').selectAll();
    if (q.clientId) query = query.where('client_id', '=', q.clientId);
    if (q.type) query = query.where('type', '=', q.type);
    // A row-value comparison, not `issued_at < ? OR (issued_at = ? AND id < ?)`: both stores seek
    // straight to the cursor in an index ending (issued_at, id) with it (migration 0022), where
    // the OR form read every newer row again on each page.
    const b = q.before;
    if (b) query = query.where((eb) => eb(eb.refTuple('issued_at', 'id'), '<', eb.tuple(b.issuedAt, b.id)));
    return query.orderBy('issued_at', 'desc').orderBy('id', 'desc').limit(q.limit).compile();
  };

  // Issuance is the hot write path: inserts are group-committed (see group-commit.ts), a batch
  // as ONE multi-row INSERT: on PostgreSQL one round trip instead of one per credential (named
  // for batches up to a bound: nameBatchStatement, via insertEach). A row
  // whose status slot is taken (by an earlier row or an earlier batch) is skipped, and RETURNING
  // tells which rows went in.
  const inserts = new GroupCommit<CredentialRecord, boolean>((rows) =>
    insertEach(
      writeUnits,
      db
        .insertInto('credentials')
        .values(rows)
        .onConflict((oc) => oc.columns(['status_list', 'status_idx']).doNothing())
        .returning('id')
        .compile(),
      rows,
      'id',
      (r) => r.id,
    ),
  );
  // One record as a step of the credential endpoint's unit: built once, bound per credential.
  const insertOneInSlot = preparedQuery(RECORD_COLUMNS, (r: CredentialRecord) =>
    db
      .insertInto('credentials')
      .values(r)
      .onConflict((oc) => oc.columns(['status_list', 'status_idx']).doNothing()),
  );
  return {
    /**
     * The statement that inserts the record in its status slot, as a guarded step of another unit
     * (the credential endpoint's consumption of an offer): the unit is undone when the slot is taken.
     */
    insertInSlotStep(r: CredentialRecord): WriteStep {
      return { query: insertOneInSlot(r), expect: 1 };
    },

    /**
     * Inserts the record in its status slot; false when the slot (list, index) is already taken,
     * so the caller picks another random index. The record and its index commit together, and
     * the promise resolves only after the commit.
     */
    insertInSlot(r: CredentialRecord): Promise<boolean> {
      return inserts.submit(r);
    },

    async get(id: string): Promise<CredentialRecord | undefined> {
      return db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async list(q: ListCredentialsQuery): Promise<CredentialRecord[]> {
      return (await db.executeQuery(listQuery(q))).rows;
    },

    listQuery,

    /**
     * Moves a credential to `to` when its status is one of `from`; bumps its list's version and
     * writes the audit event in the same transaction. False when the status was not in `from`.
     */
    /**
     * Moves a credential from one of `from` to `to`, with its list's version bump and the audit
     * event of the move (`audit` is given the status it moved from), in one unit. Answers the
     * status it moved from (`changed`), or the one that stops it; undefined when there is no such
     * credential.
     *
     * The UPDATE names the status it read: under PostgreSQL's READ COMMITTED another change can
     * commit between the read and the UPDATE, which then matches no row. That is not a refusal:
     * the status is read again (a statement sees what has committed) and judged again, so a
     * revocation racing a suspension still revokes, and a refusal names the status that refused.
     */
    async changeStatus(
      id: string,
      from: readonly number[],
      to: number,
      audit: (from: number) => AuditEvent,
    ): Promise<{ changed: boolean; status: number } | undefined> {
      return db.transaction().execute(async (tx) => {
        // Each round that finds the row changed follows another committed change: a few suffice.
        for (let round = 0; round < 16; round++) {
          const row = await tx.selectFrom('credentials').select(['status_list', 'status']).where('id', '=', id).executeTakeFirst();
          if (!row) return undefined;
          if (!from.includes(row.status)) return { changed: false, status: row.status };
          const event = audit(row.status);
          const res = await tx
            .updateTable('credentials')
            .set({ status: to, status_changed_at: event.at })
            .where('id', '=', id)
            .where('status', '=', row.status)
            .executeTakeFirst();
          if (changed(res) !== 1) continue;
          await tx
            .updateTable('status_lists')
            .set((eb) => ({ version: eb('version', '+', 1) }))
            .where('id', '=', row.status_list)
            .execute();
          await tx
            .insertInto('audit_events')
            .values({
              at: event.at,
              actor: event.actor,
              action: event.action,
              subject: event.subject,
              detail: event.detail ? JSON.stringify(event.detail) : null,
            })
            .execute();
          return { changed: true, status: row.status };
        }
        throw new Error(`credential ${id}: its status kept changing under this transaction`);
      });
    },

    /** Indices of one list whose status is not valid (0); everything else is 0. */
    async nonZeroStatuses(listId: string): Promise<{ idx: number; status: number }[]> {
      const rows = await db
        .selectFrom('credentials')
        .select(['status_idx', 'status'])
        .where('status_list', '=', listId)
        .where('status', '!=', 0)
        .execute();
      return rows.map((r) => ({ idx: r.status_idx, status: r.status }));
    },

    /** Latest expiry among credentials signed by `kid` that are not revoked; null when none. */
    async latestExpiryByKid(kid: string): Promise<number | null> {
      const r = await db
        .selectFrom('credentials')
        .select((eb) => eb.fn.max('expires_at').as('latest'))
        .where('kid', '=', kid)
        .where('status', '!=', 1)
        .executeTakeFirst();
      return r?.latest === null || r?.latest === undefined ? null : Number(r.latest);
    },

    async count(): Promise<number> {
      const r = await db
        .selectFrom('credentials')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
};

export type CredentialsRepo = ReturnType<typeof credentialsRepo>;
