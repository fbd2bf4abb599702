import type { Kysely, Selectable } from 'kysely';
import type { ApiClientsTable, ClientRole, Database } from '../schema.js';

export interface ApiClient {
  id: string;
  name: string;
  role: ClientRole;
  types: string[] | null;
  keyHash: string;
  rateLimit: number | null;
  createdAt: number;
  revokedAt: number | null;
}

const toClient = (r: Selectable<ApiClientsTable>): ApiClient => ({
  id: r.id,
  name: r.name,
  role: r.role,
  types: r.types === null ? null : (JSON.parse(r.types) as string[]),
  keyHash: r.key_hash,
  rateLimit: r.rate_limit,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export const clientsRepo = (db: Kysely<Database>) => ({
  async insert(c: Omit<ApiClient, 'revokedAt'>): Promise<void> {
    await db
      .insertInto('api_clients')
      .values({
        id: c.id,
        name: c.name,
        role: c.role,
        types: c.types === null ? null : JSON.stringify(c.types),
        key_hash: c.keyHash,
        rate_limit: c.rateLimit,
        created_at: c.createdAt,
        revoked_at: null,
      })
      .execute();
  },

  async get(id: string): Promise<ApiClient | undefined> {
    const r = await db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toClient(r) : undefined;
  },

  async list(): Promise<ApiClient[]> {
    const rows = await db.selectFrom('api_clients').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toClient);
  },

  /** Marks a client revoked; false when it does not exist or was already revoked. */
  async revoke(id: string, at: number): Promise<boolean> {
    const r = await db
      .updateTable('api_clients')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
});

export type ClientsRepo = ReturnType<typeof clientsRepo>;
