import type { Kysely, Selectable } from 'kysely';
import type { CounterEngagementsTable, Database } from '../schema.js';
import { changed, deleted } from '../affected-rows.js';

export type EngagementRecord = Selectable<CounterEngagementsTable>;

/** The OpenID4VP request a redeem made for the handle (create-verifier-request.ts). */
export interface HandedRequest {
  id: string;
  authorization_request: string;
}

export const engagementsRepo = (db: Kysely<Database>) => ({
  async insert(r: EngagementRecord): Promise<void> {
    await db.insertInto('counter_engagements').values(r).execute();
  },

  async byHandle(handleHash: string): Promise<EngagementRecord | undefined> {
    return db.selectFrom('counter_engagements').selectAll().where('handle_hash', '=', handleHash).executeTakeFirst();
  },

  async byWaitToken(waitHash: string): Promise<EngagementRecord | undefined> {
    return db.selectFrom('counter_engagements').selectAll().where('wait_hash', '=', waitHash).executeTakeFirst();
  },

  /**
   * Redeems the handle for one verifier client and hands the waiting wallet the request made for
   * it: ONE conditional UPDATE, so a second clerk (on any node) or a replayed QR finds it taken,
   * and a handle is never taken without the request it was taken for. False when taken, expired
   * or gone.
   */
  async claim(handleHash: string, clientId: string, now: number, request: HandedRequest): Promise<boolean> {
    const res = await db
      .updateTable('counter_engagements')
      .set({ client_id: clientId, redeemed_at: now, request_id: request.id, authorization_request: request.authorization_request })
      .where('handle_hash', '=', handleHash)
      .where('client_id', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return changed(res) === 1;
  },

  /**
   * Deletes a request made for a handle its redeem did not take (the handle was taken or expired
   * meanwhile, or the claim failed): only while no engagement holds it and nobody has answered
   * it, so a claim that did commit (its answer lost to a fault) keeps the request the wallet was
   * handed. True when it was deleted.
   */
  async discardUnhandedRequest(requestId: string): Promise<boolean> {
    const res = await db
      .deleteFrom('verifier_requests')
      .where('id', '=', requestId)
      .where('responded_at', 'is', null)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('counter_engagements').select('handle_hash').where('request_id', '=', requestId))),
      )
      .executeTakeFirst();
    return deleted(res) === 1;
  },

  /** Deletes handles that can no longer be waited on (`before`: expiry plus the request's lifetime). */
  async purge(before: number): Promise<number> {
    const res = await db.deleteFrom('counter_engagements').where('expires_at', '<=', before).executeTakeFirst();
    return deleted(res);
  },
});

export type EngagementsRepo = ReturnType<typeof engagementsRepo>;
