import type { Kysely, Selectable } from 'kysely';
import type { Database, VerifierResponseKeysTable } from '../schema.js';
import { deleted } from '../affected-rows.js';

export type ResponseKeyRecord = Selectable<VerifierResponseKeysTable>;

/** Response modes and ephemeral encryption keys of OpenID4VP requests (migration 0007). */
export const responseKeysRepo = (db: Kysely<Database>) => ({
  async insert(r: ResponseKeyRecord): Promise<void> {
    await db.insertInto('verifier_response_keys').values(r).execute();
  },

  async byRequest(requestId: string): Promise<ResponseKeyRecord | undefined> {
    return db.selectFrom('verifier_response_keys').selectAll().where('request_id', '=', requestId).executeTakeFirst();
  },

  async byKid(kid: string): Promise<ResponseKeyRecord | undefined> {
    return db.selectFrom('verifier_response_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  },

  /** The request ended (answered): its private key goes at once. */
  async remove(requestId: string): Promise<void> {
    await db.deleteFrom('verifier_response_keys').where('request_id', '=', requestId).execute();
  },

  /** Keys of requests past their expiry. */
  async purge(now: number): Promise<number> {
    const res = await db.deleteFrom('verifier_response_keys').where('expires_at', '<=', now).executeTakeFirst();
    return deleted(res);
  },
});
