import type { Kysely, Selectable } from 'kysely';
import type { CounterEngagementsTable, Database } from '../schema.js';
import { changed, deleted } from '../affected-rows.js';

export type EngagementRecord = Selectable<CounterEngagementsTable>;

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
   * Redeems the handle for one verifier client: ONE conditional UPDATE, so a second clerk (on
   * any node) or a replayed QR finds it taken. False when taken or expired.
   */
  async claim(handleHash: string, clientId: string, now: number): Promise<boolean> {
    const res = await db
      .updateTable('counter_engagements')
      .set({ client_id: clientId, redeemed_at: now })
      .where('handle_hash', '=', handleHash)
      .where('client_id', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return changed(res) === 1;
  },

  /** Hands the created OpenID4VP request to the waiting wallet. */
  async attachRequest(handleHash: string, requestId: string, authorizationRequest: string): Promise<void> {
    await db
      .updateTable('counter_engagements')
      .set({ request_id: requestId, authorization_request: authorizationRequest })
      .where('handle_hash', '=', handleHash)
      .execute();
  },

  /** Deletes handles that can no longer be waited on (`before`: expiry plus the request's lifetime). */
  async purge(before: number): Promise<number> {
    const res = await db.deleteFrom('counter_engagements').where('expires_at', '<=', before).executeTakeFirst();
    return deleted(res);
  },
});

export type EngagementsRepo = ReturnType<typeof engagementsRepo>;
