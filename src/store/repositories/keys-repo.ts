import type { Kysely, Selectable } from 'kysely';
import type { Database, KeyState, SigningKeysTable } from '../schema.js';
import { changed } from '../affected-rows.js';

export interface KeyRecord {
  kid: string;
  alg: string;
  state: KeyState;
  publicJwk: Record<string, unknown>;
  file: string;
  createdAt: number;
  activatedAt: number | null;
  retiringAt: number | null;
  retiredAt: number | null;
  /** Issuer certificate chain of a JWT key (base64 DER, leaf first, no trust anchor), or null. */
  issuerX5c: string[] | null;
}

const toRecord = (r: Selectable<SigningKeysTable>): KeyRecord => ({
  kid: r.kid,
  alg: r.alg,
  state: r.state,
  publicJwk: JSON.parse(r.public_jwk) as Record<string, unknown>,
  file: r.file,
  createdAt: r.created_at,
  activatedAt: r.activated_at,
  retiringAt: r.retiring_at,
  retiredAt: r.retired_at,
  issuerX5c: r.issuer_x5c === null || r.issuer_x5c === undefined ? null : (JSON.parse(r.issuer_x5c) as string[]),
});

export interface NewKey {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  file: string;
  createdAt: number;
  /** The key's issuer certificate chain, made before the row is written (rotation under an issuer CA). */
  issuerX5c?: readonly string[];
}

/** The key an activation displaced: moved to retiring in the same transaction, at the same time. */
export const displacedBy = (records: readonly KeyRecord[], active: KeyRecord): KeyRecord | undefined =>
  active.activatedAt === null
    ? undefined
    : records.find((k) => k.state === 'retiring' && k.alg === active.alg && k.retiringAt === active.activatedAt);

export const keysRepo = (db: Kysely<Database>) => ({
  async list(): Promise<KeyRecord[]> {
    const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map(toRecord);
  },

  async get(kid: string): Promise<KeyRecord | undefined> {
    const r = await db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
    return r ? toRecord(r) : undefined;
  },

  /**
   * Makes `key` the active key of its algorithm and moves the previous active one (if any) to
   * `retiring`, in one transaction: a crash leaves either the old or the new key active, never
   * both and never neither (the partial unique index backs this up across nodes).
   */
  async activate(key: NewKey, at: number): Promise<{ previous: string | undefined }> {
    return db.transaction().execute(async (tx) => {
      const prev = await tx
        .selectFrom('signing_keys')
        .select('kid')
        .where('alg', '=', key.alg)
        .where('state', '=', 'active')
        .executeTakeFirst();
      if (prev) {
        await tx.updateTable('signing_keys').set({ state: 'retiring', retiring_at: at }).where('kid', '=', prev.kid).execute();
      }
      await tx
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          state: 'active',
          public_jwk: JSON.stringify(key.publicJwk),
          file: key.file,
          created_at: key.createdAt,
          activated_at: at,
          retiring_at: null,
          retired_at: null,
          issuer_x5c: key.issuerX5c ? JSON.stringify(key.issuerX5c) : null,
        })
        .execute();
      return { previous: prev?.kid };
    });
  },

  /** retiring → retired; false when the key is not in the retiring state. */
  async retire(kid: string, at: number): Promise<boolean> {
    const r = await db
      .updateTable('signing_keys')
      .set({ state: 'retired', retired_at: at })
      .where('kid', '=', kid)
      .where('state', '=', 'retiring')
      .executeTakeFirst();
    return changed(r) === 1;
  },

  /**
   * Sets (or replaces) the issuer certificate chain of a key that is not retired, made under the
   * issuer CA `caKid`, in one transaction that first locks the CA row while it is active: a CA
   * rotation committed since the caller read the CA refuses the write (`ca_not_active`), and one
   * not committed yet waits until this commits. A no-op UPDATE locks the row on PostgreSQL (FOR
   * SHARE is not SQLite; there BEGIN IMMEDIATE already holds the write lock).
   */
  async setIssuerX5c(kid: string, x5c: readonly string[], caKid: string): Promise<'set' | 'key_retired' | 'ca_not_active'> {
    return db.transaction().execute(async (tx) => {
      const ca = await tx
        .updateTable('signing_keys')
        .set((eb) => ({ state: eb.ref('state') }))
        .where('kid', '=', caKid)
        .where('state', '=', 'active')
        .executeTakeFirst();
      if (changed(ca) !== 1) return 'ca_not_active';
      const r = await tx
        .updateTable('signing_keys')
        .set({ issuer_x5c: JSON.stringify(x5c) })
        .where('kid', '=', kid)
        .where('state', '!=', 'retired')
        .executeTakeFirst();
      return changed(r) === 1 ? 'set' : 'key_retired';
    });
  },

  /**
   * A cheap fingerprint of the key table, polled by running nodes to notice rotations and new
   * issuer certificates (the chain text ends in its last certificate's signature, which differs
   * from one certificate to the next).
   */
  async version(): Promise<string> {
    const rows = await db.selectFrom('signing_keys').select(['kid', 'state', 'issuer_x5c']).orderBy('kid').execute();
    return rows.map((r) => `${r.kid}:${r.state}:${r.issuer_x5c?.slice(-24) ?? ''}`).join(',');
  },
});

export type KeysRepo = ReturnType<typeof keysRepo>;
