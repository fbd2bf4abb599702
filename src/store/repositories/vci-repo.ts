import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, VciAccessTokensTable, VciNoncesTable, VciOffersTable } from '../schema.js';
import { GroupCommit } from '../group-commit.js';
import type { UnitResult, UnitWriter, WriteUnit } from '../batch-writer.js';

export type VciOfferRecord = Selectable<VciOffersTable>;
export type VciAccessTokenRecord = Selectable<VciAccessTokensTable>;
export type VciNonceRecord = Selectable<VciNoncesTable>;

/** Why consuming an offer for issuance did not happen (the transaction was rolled back). */
export type ConsumeRefusal = 'nonce' | 'used';

const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows);

/**
 * OpenID4VCI state: offers with their pre-authorized codes, access tokens, c_nonces. Every
 * single-use thing is consumed by ONE conditional UPDATE whose row count says who won, so two
 * nodes can never both consume the same code, token or nonce. The writes of the wallet's path
 * (offer, token, nonce, credential) are group-committed units (batch-writer.ts): a guarded
 * unit is undone as a whole when its UPDATE did not win, without touching its neighbours.
 */
export const vciRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  const units = new GroupCommit<WriteUnit, UnitResult>((batch) => writeUnits(batch));
  const write = async (unit: WriteUnit): Promise<UnitResult> => units.submit(unit);
  return {
  async insertOffer(r: Insertable<VciOffersTable>): Promise<void> {
    await write([{ query: db.insertInto('vci_offers').values(r).compile() }]);
  },

  async offerByRefHash(refHash: string): Promise<VciOfferRecord | undefined> {
    return db.selectFrom('vci_offers').selectAll().where('ref_hash', '=', refHash).executeTakeFirst();
  },

  async offerByCodeHash(codeHash: string): Promise<VciOfferRecord | undefined> {
    return db.selectFrom('vci_offers').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  },

  async offer(id: string): Promise<VciOfferRecord | undefined> {
    return db.selectFrom('vci_offers').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /**
   * Counts one transaction-code attempt before the code is compared, so parallel guesses cannot
   * all be compared before the count catches up. Returns the new count, or undefined when the
   * limit was already reached or the code is no longer redeemable.
   */
  async countTxAttempt(id: string, now: number, maxAttempts: number): Promise<number | undefined> {
    const r = await db
      .updateTable('vci_offers')
      .set((eb) => ({ tx_attempts: eb('tx_attempts', '+', 1) }))
      .where('id', '=', id)
      .where('tx_attempts', '<', maxAttempts)
      .where('redeemed_at', 'is', null)
      .where('burned_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('tx_attempts')
      .executeTakeFirst();
    return r?.tx_attempts;
  },

  /** Burns an unredeemed code (too many wrong transaction codes) and drops its claims. */
  async burn(id: string, now: number): Promise<boolean> {
    const r = await db
      .updateTable('vci_offers')
      .set({ burned_at: now, claims: null })
      .where('id', '=', id)
      .where('redeemed_at', 'is', null)
      .where('burned_at', 'is', null)
      .executeTakeFirst();
    return changed(r) === 1;
  },

  /**
   * Redeems the pre-authorized code and stores the access token in one transaction; the offer
   * then lives as long as the token. False when the code was already used, burned or expired.
   */
  async redeem(id: string, now: number, token: { hash: string; expiresAt: number }): Promise<boolean> {
    const r = await write([
      {
        query: db
          .updateTable('vci_offers')
          .set({ redeemed_at: now, expires_at: token.expiresAt })
          .where('id', '=', id)
          .where('redeemed_at', 'is', null)
          .where('burned_at', 'is', null)
          .where('expires_at', '>', now)
          .compile(),
        expect: 1,
      },
      { query: db.insertInto('vci_access_tokens').values({ token_hash: token.hash, offer_id: id, created_at: now, expires_at: token.expiresAt }).compile() },
    ]);
    return r.ok;
  },

  async accessToken(tokenHash: string): Promise<VciAccessTokenRecord | undefined> {
    return db.selectFrom('vci_access_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  },

  async insertNonce(r: Omit<VciNonceRecord, 'consumed_at'>): Promise<void> {
    await write([{ query: db.insertInto('vci_nonces').values({ ...r, consumed_at: null }).compile() }]);
  },

  /**
   * Uses up the offer for issuance, in one transaction: consumes every c_nonce of the request
   * (each must be known, unexpired and unused), then marks the offer issued and takes its claims
   * out of the store. Returns the claims (JSON text); throws nothing on refusal, it reports why.
   */
  async consumeForIssuance(offerId: string, nonceHashes: readonly string[], now: number): Promise<{ ok: true; claims: string } | { ok: false; reason: ConsumeRefusal }> {
    const distinct = [...new Set(nonceHashes)];
    const consumeNonces: WriteUnit = distinct.length === 0 ? [] : [{
      query: db
        .updateTable('vci_nonces')
        .set({ consumed_at: now })
        .where('nonce_hash', 'in', distinct)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .compile(),
      expect: distinct.length,
    }];
    // The claims are read inside the unit, before the UPDATE that takes them out of the store;
    // that UPDATE only wins while they are still there.
    const r = await write([
      ...consumeNonces,
      { query: db.selectFrom('vci_offers').select('claims').where('id', '=', offerId).where('claims', 'is not', null).compile(), expect: 1 },
      {
        query: db
          .updateTable('vci_offers')
          .set({ issued_at: now, claims: null })
          .where('id', '=', offerId)
          .where('issued_at', 'is', null)
          .where('redeemed_at', 'is not', null)
          .where('claims', 'is not', null)
          .compile(),
        expect: 1,
      },
    ]);
    if (!r.ok) return { ok: false, reason: r.failedAt < consumeNonces.length ? 'nonce' : 'used' };
    const claims = r.rows[consumeNonces.length]?.[0]?.claims;
    if (typeof claims !== 'string') return { ok: false, reason: 'used' };
    return { ok: true, claims };
  },

  /**
   * Housekeeping: drops the claims of expired offers at once, and deletes expired nonces, tokens
   * and offers once `keepMs` past their expiry (an unknown code or nonce is refused like a used one).
   */
  async purgeExpired(now: number, keepMs: number): Promise<void> {
    await db.updateTable('vci_offers').set({ claims: null }).where('expires_at', '<=', now).where('claims', 'is not', null).execute();
    await db.deleteFrom('vci_nonces').where('expires_at', '<=', now).execute();
    await db.deleteFrom('vci_access_tokens').where('expires_at', '<=', now).execute();
    await db.deleteFrom('vci_offers').where('expires_at', '<=', now - keepMs).execute();
  },
  };
};

export type VciRepo = ReturnType<typeof vciRepo>;
