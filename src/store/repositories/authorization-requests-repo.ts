import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuthorizationRequestsTable, Database, VciOffersTable, VciRefreshTokensTable } from '../schema.js';
import { changed } from '../affected-rows.js';

export type AuthorizationRequestRecord = Selectable<AuthorizationRequestsTable>;

/** Thrown inside a transaction to roll it back when a conditional UPDATE did not win: which one. */
class Lost extends Error {
  constructor(readonly step: 'request' | 'offer') {
    super(`the ${step} was taken`);
  }
}

/**
 * Why a login could not be completed: another callback completed it first, or the credential
 * offer `issuer_state` named was used or expired meanwhile.
 */
export type CompleteRefusal = 'completed' | 'offer_used' | 'offer_expired';
export type CompleteResult = { ok: true } | { ok: false; reason: CompleteRefusal };

/**
 * Why the offer's UPDATE matched no row, read after the rollback in a new statement (what the
 * rival committed is seen there; on PostgreSQL the UPDATE itself waited for the rival's commit).
 * Burned counts as used: only an offer with a tx_code is burned, which issuer_state never names.
 * A row gone was purged, which happens only after its expiry.
 */
const whyOfferTaken = async (db: Kysely<Database>, offerId: string, now: number): Promise<'offer_used' | 'offer_expired'> => {
  const o = await db
    .selectFrom('vci_offers')
    .select(['redeemed_at', 'burned_at', 'expires_at'])
    .where('id', '=', offerId)
    .executeTakeFirst();
  if (!o) return 'offer_expired';
  if (o.redeemed_at !== null || o.burned_at !== null) return 'offer_used';
  return o.expires_at <= now ? 'offer_expired' : 'offer_used';
};

/**
 * Pushed authorization requests and their way to an authorization code. Every step that may
 * happen once (using the request_uri, completing the login, redeeming the code) is ONE
 * conditional UPDATE whose row count says who won, as in vci-repo.ts.
 */
export const authorizationRequestsRepo = (db: Kysely<Database>) => ({
  async insert(r: AuthorizationRequestRecord): Promise<void> {
    await db.insertInto('authorization_requests').values(r).execute();
  },

  async byRequestUriHash(hash: string): Promise<AuthorizationRequestRecord | undefined> {
    return db.selectFrom('authorization_requests').selectAll().where('request_uri_hash', '=', hash).executeTakeFirst();
  },

  async byIdpStateHash(hash: string): Promise<AuthorizationRequestRecord | undefined> {
    return db.selectFrom('authorization_requests').selectAll().where('idp_state_hash', '=', hash).executeTakeFirst();
  },

  async byCodeOfferId(offerId: string): Promise<AuthorizationRequestRecord | undefined> {
    return db.selectFrom('authorization_requests').selectAll().where('code_offer_id', '=', offerId).executeTakeFirst();
  },

  /** Uses the request_uri (RFC 9126 §4: one-time use) and opens the login window. False when used or expired. */
  async start(id: string, now: number, idpStateHash: string, loginExpiresAt: number): Promise<boolean> {
    const r = await db
      .updateTable('authorization_requests')
      .set({ started_at: now, idp_state_hash: idpStateHash, expires_at: loginExpiresAt })
      .where('id', '=', id)
      .where('started_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return changed(r) === 1;
  },

  /**
   * Ends the login, in one transaction: records the outcome and, for a granted request, stores
   * the code's offer row (sealed claims) and uses up the credential offer `issuer_state` named.
   * Refused (nothing written) when the request was already completed, or its offer was used or
   * has expired, saying which.
   */
  async complete(
    id: string,
    now: number,
    outcome: string,
    grant?: { codeOffer: Insertable<VciOffersTable>; boundOfferId: string | null },
  ): Promise<CompleteResult> {
    try {
      await db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('authorization_requests')
          .set({ completed_at: now, outcome, code_offer_id: grant?.codeOffer.id ?? null })
          .where('id', '=', id)
          .where('completed_at', 'is', null)
          .executeTakeFirst();
        if (changed(r) !== 1) throw new Lost('request');
        if (!grant) return;
        if (grant.boundOfferId !== null) {
          const o = await tx
            .updateTable('vci_offers')
            .set({ redeemed_at: now })
            .where('id', '=', grant.boundOfferId)
            .where('redeemed_at', 'is', null)
            .where('burned_at', 'is', null)
            .where('expires_at', '>', now)
            .executeTakeFirst();
          if (changed(o) !== 1) throw new Lost('offer');
        }
        await tx.insertInto('vci_offers').values(grant.codeOffer).execute();
      });
      return { ok: true };
    } catch (e) {
      if (!(e instanceof Lost)) throw e;
      if (e.step === 'request' || !grant?.boundOfferId) return { ok: false, reason: 'completed' };
      return { ok: false, reason: await whyOfferTaken(db, grant.boundOfferId, now) };
    }
  },

  /**
   * Redeems an authorization code (its offer row) for an access token, in one transaction: the
   * claims sealed under the code are replaced by the same claims sealed under the token. False
   * when the code was already redeemed, or has expired.
   */
  async redeemCode(
    offerId: string,
    now: number,
    token: { hash: string; expiresAt: number; dpopJkt?: string | undefined; walletClient?: string | undefined },
    sealedClaims: string,
    refresh?: Insertable<VciRefreshTokensTable>,
  ): Promise<boolean> {
    // With a refresh token (0014) the offer lives as long as it: a refresh can still cover what is left.
    const expiresAt = Math.max(token.expiresAt, Number(refresh?.expires_at ?? 0));
    try {
      await db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('vci_offers')
          .set({ redeemed_at: now, expires_at: expiresAt, claims: sealedClaims })
          .where('id', '=', offerId)
          .where('redeemed_at', 'is', null)
          .where('burned_at', 'is', null)
          .where('issued_at', 'is', null)
          .where('claims', 'is not', null)
          .where('expires_at', '>', now)
          .executeTakeFirst();
        if (changed(r) !== 1) throw new Lost('offer');
        await tx
          .insertInto('vci_access_tokens')
          .values({
            token_hash: token.hash,
            offer_id: offerId,
            created_at: now,
            expires_at: token.expiresAt,
            dpop_jkt: token.dpopJkt ?? null,
            wallet_client: token.walletClient ?? null,
            // A reused code revokes this grant's tokens (RFC 6749 §4.1.2), found by this column (0020).
            family_offer_id: offerId,
          })
          .execute();
        if (refresh) await tx.insertInto('vci_refresh_tokens').values(refresh).execute();
      });
      return true;
    } catch (e) {
      if (e instanceof Lost) return false;
      throw e;
    }
  },

  /** Deletes requests `keepMs` past their expiry (their codes' offer rows go with vci purging). */
  async purgeExpired(now: number, keepMs: number): Promise<void> {
    await db
      .deleteFrom('authorization_requests')
      .where('expires_at', '<=', now - keepMs)
      .execute();
  },
});

export type AuthorizationRequestsRepo = ReturnType<typeof authorizationRequestsRepo>;
