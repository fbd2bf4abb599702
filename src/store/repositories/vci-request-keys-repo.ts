import type { Kysely, Selectable } from 'kysely';
import type { Database, VciRequestKeysTable } from '../schema.js';
import { deleted } from '../affected-rows.js';

export type RequestKeyRecord = Selectable<VciRequestKeysTable>;
export type NewRequestKey = Pick<RequestKeyRecord, 'kid' | 'public_jwk' | 'sealed_key' | 'created_at'>;

/** Keys wallets encrypt OpenID4VCI credential requests to (migration 0015). */
export const vciRequestKeysRepo = (db: Kysely<Database>) => ({
  /** Every key not purged yet, the active one first, then the most recently superseded. */
  async list(): Promise<RequestKeyRecord[]> {
    const rows = await db.selectFrom('vci_request_keys').selectAll().execute();
    return rows.sort((a, b) => (a.state === 'active' ? -1 : b.state === 'active' ? 1 : (b.superseded_at ?? 0) - (a.superseded_at ?? 0)));
  },

  async byKid(kid: string): Promise<RequestKeyRecord | undefined> {
    return db.selectFrom('vci_request_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  },

  /** The first key, unless a key is already active (another node made it first: the unique index decides). */
  async insertFirst(key: NewRequestKey): Promise<void> {
    await db
      .insertInto('vci_request_keys')
      .values({ ...key, state: 'active', superseded_at: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
  },

  /** `key` becomes the active key and the active one `previous`, in one transaction. */
  async rotate(key: NewRequestKey, at: number): Promise<{ previous: string | undefined }> {
    return db.transaction().execute(async (tx) => {
      const prev = await tx.selectFrom('vci_request_keys').select('kid').where('state', '=', 'active').executeTakeFirst();
      if (prev)
        await tx.updateTable('vci_request_keys').set({ state: 'previous', superseded_at: at }).where('kid', '=', prev.kid).execute();
      await tx
        .insertInto('vci_request_keys')
        .values({ ...key, state: 'active', superseded_at: null })
        .execute();
      return { previous: prev?.kid };
    });
  },

  /** Previous keys superseded at or before `before` (their grace period is over). */
  async purge(before: number): Promise<number> {
    const res = await db
      .deleteFrom('vci_request_keys')
      .where('state', '=', 'previous')
      .where('superseded_at', '<=', before)
      .executeTakeFirst();
    return deleted(res);
  },
});
