import type { CompiledQuery, Insertable, Kysely, Selectable } from 'kysely';
import type { Database, VciDeferredTable, VciNotificationsTable, VciOfferIssuancesTable } from '../schema.js';
import { groupCommitted, independentSteps, type UnitWriter, type WriteStep } from '../batch-writer.js';
import { changed } from '../affected-rows.js';
import { preparedQuery } from '../prepared-query.js';

export type VciDeferredRecord = Selectable<VciDeferredTable>;
export type VciNotificationRecord = Selectable<VciNotificationsTable>;
/** A c_nonce a credential request uses: its SHA-256 and the expiry it carries. */
export interface UsedNonce {
  hash: string;
  expiresAt: number;
}
type VciNonceUse = { nonce_hash: string; created_at: number; expires_at: number; consumed_at: number };

/** Why a configuration of an offer was not consumed (the unit was rolled back). */
export type ConsumeConfigurationRefusal = 'nonce' | 'token' | 'used' | 'issued';

/**
 * Issuance per credential configuration (migration 0010): an access token serves several
 * credential requests, each configuration its offer covers at most once; deferred transactions
 * (OpenID4VCI §9) and notification ids (§11). The consuming write is one guarded unit, as in
 * vci-repo.ts: nonces, the (offer, configuration) row and, when deferred, the transaction row
 * commit together or not at all.
 */
export const vciIssuanceRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  // Group-committed like the offer's and the token's units (vci-repo.ts).
  const write = groupCommitted(writeUnits);
  const listDeferredQuery = (clientId: string, limit: number): CompiledQuery<VciDeferredRecord> =>
    db
      .selectFrom('vci_deferred')
      .selectAll()
      .where('client_id', '=', clientId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .compile();
  // Every credential request runs these: built once and bound anew (prepared-query.ts; Kysely's
  // builder showed at 4–6% of the flow's main thread in --cpu-prof).
  // A c_nonce is recorded when it is used (src/issuance/c-nonce.ts): a second use finds the row.
  const useOneNonce = preparedQuery(['nonce_hash', 'created_at', 'expires_at', 'consumed_at'], (r: VciNonceUse) =>
    db
      .insertInto('vci_nonces')
      .values(r)
      .onConflict((oc) => oc.column('nonce_hash').doNothing()),
  );
  // The guard of an unissued offer that still holds its claims. It reads the id, not the claims:
  // the request signed with what it read beside its token (what the claims say never changes once
  // written: they may be sealed anew under a new code or token, and are dropped when issued), and
  // a 20 KB portrait need not cross from the store again.
  const unissuedOffer = preparedQuery(['id'], (v: { id: string }) =>
    db
      .selectFrom('vci_offers')
      .select('id')
      .where('id', '=', v.id)
      .where('claims', 'is not', null)
      .where('issued_at', 'is', null)
      .where('redeemed_at', 'is not', null),
  );
  // The access token the request came with is still there: a grant revoked (a reused refresh token
  // or code) or rotated away while this request signed does not issue. Read in the unit, after the
  // writer's lock (SQLite) or beside the revocation's (PostgreSQL: a revocation committed before
  // this statement is seen; one after it is ordered after this issuance).
  const liveToken = preparedQuery(['token_hash', 'now'], (v: { token_hash: string; now: number }) =>
    db.selectFrom('vci_access_tokens').select('token_hash').where('token_hash', '=', v.token_hash).where('expires_at', '>', v.now),
  );
  // For an offer of several configurations, the unit's first write takes the offer's row lock (a
  // write that changes nothing): two requests consuming its last two configurations on two
  // PostgreSQL connections would otherwise each count the issuance rows in their own snapshot,
  // find one short, and leave the offer unmarked (its claims kept) for ever.
  const lockUnissuedOffer = preparedQuery(['id', 'version'], (v: { id: string; version: number }) =>
    db
      .updateTable('vci_offers')
      .set((eb) => ({ issued_at: eb.ref('issued_at') }))
      .where('id', '=', v.id)
      .where('claims', 'is not', null)
      .where('issued_at', 'is', null)
      .where('redeemed_at', 'is not', null)
      .where('expires_at', '=', v.version),
  );
  const insertIssuance = preparedQuery(['offer_id', 'configuration_id', 'issued_at'], (r: Insertable<VciOfferIssuancesTable>) =>
    db
      .insertInto('vci_offer_issuances')
      .values(r)
      .onConflict((oc) => oc.columns(['offer_id', 'configuration_id']).doNothing()),
  );
  // An offer of one configuration needs no issuance row: its own row, guarded, says it was issued
  // (issue 22: that row's key, the offer id, is random, so it took a B-tree page of its own in
  // every credential request's commit).
  // `claims is not null` as in unissuedOffer: run as one statement (batch-writer.ts) that guard reads
  // the statement's snapshot, while this UPDATE re-checks its row under the row lock.
  const markIssuedAlone = preparedQuery(['id', 'now', 'version'], (v: { id: string; now: number; version: number }) =>
    db
      .updateTable('vci_offers')
      .set({ issued_at: v.now, claims: null })
      .where('id', '=', v.id)
      .where('issued_at', 'is', null)
      .where('claims', 'is not', null)
      .where('expires_at', '=', v.version),
  );
  const markIssuedWhenCovered = preparedQuery(['id', 'now', 'covered'], (v: { id: string; now: number; covered: number }) =>
    db
      .updateTable('vci_offers')
      .set({ issued_at: v.now, claims: null })
      .where('id', '=', v.id)
      .where('issued_at', 'is', null)
      .where((eb) =>
        eb(eb.selectFrom('vci_offer_issuances').select(eb.fn.countAll().as('n')).where('offer_id', '=', v.id), '>=', v.covered),
      ),
  );
  const notificationColumns = ['id', 'token_hash', 'created_at', 'expires_at', 'event', 'event_at', 'dpop_jkt'] as const;
  const insertNotificationRow = preparedQuery([...notificationColumns], (r: Insertable<VciNotificationsTable>) =>
    db.insertInto('vci_notifications').values(r),
  );
  const nameNotification = preparedQuery(['notification_id', 'id'], (r: { notification_id: string; id: string }) =>
    db.updateTable('credentials').set({ notification_id: r.notification_id }).where('id', '=', r.id),
  );
  /** The purge's statements in the order they run (test/store/purge-by-index.test.ts reads their plans). */
  const purgeQueries = (now: number, keepMs: number): CompiledQuery[] => [
    db.updateTable('vci_deferred').set({ claims: null }).where('expires_at', '<=', now).where('claims', 'is not', null).compile(),
    db
      .deleteFrom('vci_deferred')
      .where('expires_at', '<=', now - keepMs)
      .compile(),
    // A credential's notification_id then names no row: its events are gone with the notification.
    db
      .deleteFrom('vci_notifications')
      .where('expires_at', '<=', now - keepMs)
      .compile(),
  ];
  return {
    /**
     * Consumes the request's c_nonces and the offer's `configurationId` (at most once), while the
     * offer still holds its claims; when every one of its `covered` configurations is consumed the
     * offer is marked issued and its claims leave the store. `after` steps join the same unit; they
     * must not read what the unit writes (checked: batch-writer.ts's unitAsOneStatement).
     */
    async consumeConfiguration(
      v: {
        offerId: string;
        configurationId: string;
        covered: number;
        nonces: readonly UsedNonce[];
        now: number;
        /** The hash of the access token the request came with, which must still be live. */
        tokenHash: string;
        /**
         * The offer's `expires_at` as read with that token: the grant's version, which a refresh
         * changes (refresh-tokens-repo.ts rotate). The offer is consumed only at this version:
         * PostgreSQL re-checks it under the row lock, where the token guard reads its snapshot.
         */
        grantVersion: number;
      },
      after: readonly WriteStep[] = [],
    ): Promise<{ ok: true } | { ok: false; reason: ConsumeConfigurationRefusal } | { ok: false; reason: 'after'; afterStep: number }> {
      const distinct = [...new Map(v.nonces.map((n) => [n.hash, n])).values()];
      const rows = distinct.map((n): VciNonceUse => ({
        nonce_hash: n.hash,
        created_at: v.now,
        expires_at: n.expiresAt,
        consumed_at: v.now,
      }));
      const nonces: WriteStep[] =
        rows.length === 0
          ? []
          : [
              {
                // One c_nonce (the usual request): the prepared statement; several: one multi-row INSERT.
                // A row already there (a used c_nonce) is not inserted, so fewer rows than asked undo the unit.
                query:
                  rows.length === 1
                    ? useOneNonce(rows[0]!)
                    : db
                        .insertInto('vci_nonces')
                        .values(rows)
                        .onConflict((oc) => oc.column('nonce_hash').doNothing())
                        .compile(),
                expect: rows.length,
              },
            ];
      // An unissued offer with its claims (gone: 'used'), then the configuration consumed once
      // ('issued' when another request took it first, whichever node ran it): for an offer of one
      // configuration the guarded UPDATE of the offer itself, which two racing requests cannot both
      // make (on PostgreSQL the second waits for the first's row lock, then finds it issued); for
      // several, one row per configuration under its primary key, and the offer marked issued with
      // the last.
      const consuming: WriteStep[] =
        v.covered === 1
          ? [
              { query: unissuedOffer({ id: v.offerId }), expect: 1 },
              { query: markIssuedAlone({ id: v.offerId, now: v.now, version: v.grantVersion }), expect: 1 },
            ]
          : [
              { query: lockUnissuedOffer({ id: v.offerId, version: v.grantVersion }), expect: 1 },
              { query: insertIssuance({ offer_id: v.offerId, configuration_id: v.configurationId, issued_at: v.now }), expect: 1 },
              { query: markIssuedWhenCovered({ id: v.offerId, now: v.now, covered: v.covered }) },
            ];
      // An offer of one configuration: no step reads what an earlier one wrote, so PostgreSQL runs
      // the unit as one statement (batch-writer.ts); for several, markIssuedWhenCovered counts the
      // issuance row the unit has just inserted, so it runs step by step.
      const token: WriteStep = { query: liveToken({ token_hash: v.tokenHash, now: v.now }), expect: 1 };
      const steps = [...nonces, token, ...consuming, ...after];
      const r = await write(v.covered === 1 ? independentSteps(steps) : steps);
      const fixed = nonces.length + 1 + consuming.length;
      // A guarded step of `after` that failed (a status slot already taken): which one.
      if (!r.ok && r.failedAt >= fixed) return { ok: false, reason: 'after', afterStep: r.failedAt - fixed };
      if (!r.ok) {
        const at = r.failedAt - nonces.length;
        return { ok: false, reason: at < 0 ? 'nonce' : at === 0 ? 'token' : at === 1 ? 'used' : 'issued' };
      }
      return { ok: true };
    },

    /** The statement that opens a deferred transaction (a step of consumeConfiguration's unit). */
    insertDeferredStep(r: Insertable<VciDeferredTable>): WriteStep {
      return { query: db.insertInto('vci_deferred').values(r).compile() };
    },

    async deferredByTransaction(transactionHash: string): Promise<VciDeferredRecord | undefined> {
      return db.selectFrom('vci_deferred').selectAll().where('transaction_hash', '=', transactionHash).executeTakeFirst();
    },

    async deferred(id: string): Promise<VciDeferredRecord | undefined> {
      return db.selectFrom('vci_deferred').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async listDeferred(clientId: string, limit: number): Promise<VciDeferredRecord[]> {
      return (await db.executeQuery(listDeferredQuery(clientId, limit))).rows;
    },

    /** A client's deferred transactions, newest first: one range of an index (0023); a test reads its plan. */
    listDeferredQuery,

    /** pending → completed (with claims) or refused (claims dropped); false when no longer pending or expired. */
    async decideDeferred(id: string, to: 'completed' | 'refused', claims: string | null, now: number): Promise<boolean> {
      const r = await db
        .updateTable('vci_deferred')
        .set({ state: to, claims, decided_at: now })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return changed(r) === 1;
    },

    /**
     * completed → collected, taking the claims out of the store, in one conditional UPDATE (one
     * node wins); the claims are returned to issue with. Undefined when someone else collected it.
     */
    async collectDeferred(id: string, now: number): Promise<string | undefined> {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('vci_deferred')
          .select('claims')
          .where('id', '=', id)
          .where('state', '=', 'completed')
          .executeTakeFirst();
        if (typeof row?.claims !== 'string') return undefined;
        const r = await tx
          .updateTable('vci_deferred')
          .set({ state: 'collected', claims: null, collected_at: now })
          .where('id', '=', id)
          .where('state', '=', 'completed')
          .executeTakeFirst();
        return changed(r) === 1 ? row.claims : undefined;
      });
    },

    async insertNotification(r: Insertable<VciNotificationsTable>, credentialIds: readonly string[]): Promise<void> {
      await write(this.insertNotificationSteps(r, credentialIds));
    },

    /**
     * The statements that record a notification id and name it on its credentials' records, which
     * must be stored already (a step list for another unit, too). `credentialIds` may be empty
     * when the caller writes the id into the records it inserts in the same unit.
     */
    insertNotificationSteps(r: Insertable<VciNotificationsTable>, credentialIds: readonly string[]): WriteStep[] {
      // The prepared statement names every column; a row that leaves one out is built as it is.
      const complete = Object.keys(r).length === notificationColumns.length && notificationColumns.every((c) => r[c] !== undefined);
      return [
        { query: complete ? insertNotificationRow(r) : db.insertInto('vci_notifications').values(r).compile() },
        ...credentialIds.map((id) => ({ query: nameNotification({ notification_id: r.id, id }) })),
      ];
    },

    async notification(id: string): Promise<VciNotificationRecord | undefined> {
      return db.selectFrom('vci_notifications').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * The DPoP binding (RFC 9449 `cnf.jkt`) of an access token the deferred credential or
     * notification endpoint sees: from its token row while it lives, else from the deferred
     * transactions or notifications it received (they keep it, 0011). Undefined for a token
     * unknown to all three; null for a Bearer token.
     */
    async tokenBinding(tokenHash: string): Promise<{ dpopJkt: string | null } | undefined> {
      for (const table of ['vci_access_tokens', 'vci_deferred', 'vci_notifications'] as const) {
        const r = await db.selectFrom(table).select('dpop_jkt').where('token_hash', '=', tokenHash).executeTakeFirst();
        if (r) return { dpopJkt: r.dpop_jkt ?? null };
      }
      return undefined;
    },

    /** True when some unexpired notification was handed to this access token. */
    async tokenHasNotifications(tokenHash: string, now: number): Promise<boolean> {
      const r = await db
        .selectFrom('vci_notifications')
        .select('id')
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return r !== undefined;
    },

    /** Records the wallet's latest event (notifications are idempotent, §11). */
    async recordEvent(id: string, event: string, now: number): Promise<void> {
      await db.updateTable('vci_notifications').set({ event, event_at: now }).where('id', '=', id).execute();
    },

    /** The wallet's event per credential id, for the registry view. */
    async eventsOf(credentialIds: readonly string[]): Promise<Map<string, { event: string; at: number }>> {
      if (credentialIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('credentials')
        .innerJoin('vci_notifications', 'vci_notifications.id', 'credentials.notification_id')
        .select(['credentials.id', 'vci_notifications.event', 'vci_notifications.event_at'])
        .where('credentials.id', 'in', [...credentialIds])
        .where('vci_notifications.event', 'is not', null)
        .execute();
      return new Map(rows.map((r) => [r.id, { event: r.event as string, at: Number(r.event_at) }]));
    },

    /**
     * Housekeeping: expired deferred transactions lose their claims at once and go `keepMs` later,
     * with expired notifications (issuance rows go with their offers, in vci-repo.ts). Every
     * statement reads by an index of its range (0021), never the whole table.
     */
    async purgeExpired(now: number, keepMs: number): Promise<void> {
      for (const query of purgeQueries(now, keepMs)) await db.executeQuery(query);
    },

    purgeQueries,
  };
};

export type VciIssuanceRepo = ReturnType<typeof vciIssuanceRepo>;
