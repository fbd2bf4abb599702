import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Random secrets shared by the nodes of a deployment (migration 0016). */
export const serviceSecretsRepo = (db: Kysely<Database>) => ({
  /** The secret named `name`: `fresh` stored if there was none (the first node to store one wins), then read back. */
  async getOrCreate(name: string, fresh: string, now: number): Promise<string> {
    await db
      .insertInto('service_secrets')
      .values({ name, secret: fresh, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await db.selectFrom('service_secrets').select('secret').where('name', '=', name).executeTakeFirstOrThrow();
    return row.secret;
  },
});
