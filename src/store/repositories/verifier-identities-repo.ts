import type { Kysely, Selectable } from 'kysely';
import type { Database, VerifierIdentitiesTable } from '../schema.js';
import { changed } from '../affected-rows.js';

export type VerifierIdentityRecord = Selectable<VerifierIdentitiesTable>;

/** Thrown inside activate's transaction to roll it back when the identity is no longer pending. */
class NotPending extends Error {}

/** X.509 verifier identities (migration 0006). */
export const verifierIdentitiesRepo = (db: Kysely<Database>) => ({
  async insert(r: VerifierIdentityRecord): Promise<void> {
    await db.insertInto('verifier_identities').values(r).execute();
  },

  async get(id: string): Promise<VerifierIdentityRecord | undefined> {
    return db.selectFrom('verifier_identities').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async list(): Promise<VerifierIdentityRecord[]> {
    return db.selectFrom('verifier_identities').selectAll().orderBy('created_at').orderBy('id').execute();
  },

  async active(owner: string): Promise<VerifierIdentityRecord | undefined> {
    return db.selectFrom('verifier_identities').selectAll().where('owner', '=', owner).where('state', '=', 'active').executeTakeFirst();
  },

  /** An active or retiring identity whose leaf hashes to `hash` (x509_hash requests made before a rotation). */
  async byHash(hash: string): Promise<VerifierIdentityRecord | undefined> {
    return db
      .selectFrom('verifier_identities')
      .selectAll()
      .where('x509_hash', '=', hash)
      .where('state', 'in', ['active', 'retiring'])
      .executeTakeFirst();
  },

  /**
   * Puts the chain on a pending identity and makes it the owner's active one; the previous active
   * identity becomes retiring in the same transaction (one active per owner, by a unique index).
   * Each UPDATE names the state it expects: under READ COMMITTED a retire or another import can
   * commit between a caller's read and this write. Not pending any more: nothing is written and
   * the state found is returned. Another identity of the owner activated at the same moment on
   * PostgreSQL: the unique index refuses this one (the caller maps it to a conflict).
   */
  async activate(
    id: string,
    owner: string,
    chain: { chain: string; x509_hash: string; not_after: number },
    at: number,
  ): Promise<{ activated: true; previous: string | undefined } | { activated: false; state: VerifierIdentityRecord['state'] | undefined }> {
    try {
      return await db.transaction().execute(async (trx) => {
        const prev = await trx
          .selectFrom('verifier_identities')
          .select('id')
          .where('owner', '=', owner)
          .where('state', '=', 'active')
          .executeTakeFirst();
        if (prev) {
          await trx
            .updateTable('verifier_identities')
            .set({ state: 'retiring' })
            .where('id', '=', prev.id)
            .where('state', '=', 'active')
            .execute();
        }
        const res = await trx
          .updateTable('verifier_identities')
          .set({ ...chain, state: 'active', activated_at: at })
          .where('id', '=', id)
          .where('state', '=', 'pending')
          .executeTakeFirst();
        // Rolls back the previous identity's move to retiring too.
        if (changed(res) !== 1) throw new NotPending();
        return { activated: true as const, previous: prev?.id };
      });
    } catch (e) {
      if (!(e instanceof NotPending)) throw e;
      const now = await db.selectFrom('verifier_identities').select('state').where('id', '=', id).executeTakeFirst();
      return { activated: false, state: now?.state };
    }
  },

  /** A verifier client's default client identifier prefix (api_clients.client_id_prefix), or null. */
  async defaultPrefix(clientId: string): Promise<string | null> {
    const row = await db.selectFrom('api_clients').select('client_id_prefix').where('id', '=', clientId).executeTakeFirst();
    return row?.client_id_prefix ?? null;
  },

  async setDefaultPrefix(clientId: string, prefix: string | null): Promise<boolean> {
    const res = await db.updateTable('api_clients').set({ client_id_prefix: prefix }).where('id', '=', clientId).executeTakeFirst();
    return changed(res) === 1;
  },

  async retire(id: string, at: number): Promise<boolean> {
    const res = await db
      .updateTable('verifier_identities')
      .set({ state: 'retired', retired_at: at })
      .where('id', '=', id)
      .where('state', 'in', ['retiring', 'pending'])
      .executeTakeFirst();
    return changed(res) === 1;
  },
});

export type VerifierIdentitiesRepo = ReturnType<typeof verifierIdentitiesRepo>;
