import type { Kysely, Selectable } from 'kysely';
import type { ApiClientsTable, ClientRole, Database } from '../schema.js';
import { changed } from '../affected-rows.js';

export interface ApiClient {
  id: string;
  name: string;
  role: ClientRole;
  types: string[] | null;
  keyHash: string;
  rateLimit: number | null;
  createdAt: number;
  revokedAt: number | null;
  /** A verifier client's logo (https), shown by wallets beside its name; null: none. */
  logoUri?: string | null;
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
  ...(r.logo_uri ? { logoUri: r.logo_uri } : {}),
});

/**
 * How long `authenticated` may answer from memory. Every API request looks its client up; the
 * read was 3–5% of issuance and verification (cpu-prof). A revocation through this process
 * (CLI in-process, admin API) takes effect at once; one made by another process (the CLI beside
 * a running server, another node) within this time.
 */
export const CLIENT_CACHE_MS = 1000;
const MAX_CACHED_CLIENTS = 1024;

export const clientsRepo = (db: Kysely<Database>) => {
  const cache = new Map<string, { client: ApiClient | undefined; until: number }>();
  const get = async (id: string): Promise<ApiClient | undefined> => {
    const r = await db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toClient(r) : undefined;
  };
  return {
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
          logo_uri: c.logoUri ?? null,
        })
        .execute();
    },

    get,

    /** The client for request authentication: read at most once per CLIENT_CACHE_MS per client. */
    async authenticated(id: string, now: number): Promise<ApiClient | undefined> {
      const hit = cache.get(id);
      if (hit && now < hit.until) return hit.client;
      const client = await get(id);
      if (cache.size >= MAX_CACHED_CLIENTS) cache.delete(cache.keys().next().value as string);
      cache.set(id, { client, until: now + CLIENT_CACHE_MS });
      return client;
    },

    /** The oldest unrevoked client of this name (names are not unique), as `list().find(…)` would pick it, in one read. */
    async activeByName(name: string): Promise<ApiClient | undefined> {
      const r = await db
        .selectFrom('api_clients')
        .selectAll()
        .where('name', '=', name)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
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
      cache.delete(id);
      return changed(r) === 1;
    },
  };
};

export type ClientsRepo = ReturnType<typeof clientsRepo>;
