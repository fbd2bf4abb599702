import type { Kysely, Selectable } from 'kysely';
import type { Database, StatusListsTable } from '../schema.js';

export type StatusListRecord = Selectable<StatusListsTable>;

export const statusListsRepo = (db: Kysely<Database>) => ({
  async create(r: Omit<StatusListRecord, 'version' | 'state'>): Promise<void> {
    await db
      .insertInto('status_lists')
      .values({ ...r, state: 'open', version: 0 })
      .execute();
  },

  async get(id: string): Promise<StatusListRecord | undefined> {
    return db.selectFrom('status_lists').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The open lists of a bit width, newest first. */
  async open(bits: number): Promise<StatusListRecord[]> {
    return db
      .selectFrom('status_lists')
      .selectAll()
      .where('bits', '=', bits)
      .where('state', '=', 'open')
      .orderBy('created_at', 'desc')
      .execute();
  },

  async markFull(id: string): Promise<void> {
    await db.updateTable('status_lists').set({ state: 'full' }).where('id', '=', id).execute();
  },

  async version(id: string): Promise<number | undefined> {
    const r = await db.selectFrom('status_lists').select('version').where('id', '=', id).executeTakeFirst();
    return r?.version;
  },
});

export type StatusListsRepo = ReturnType<typeof statusListsRepo>;
