import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, VciAccessTokensTable, VciRefreshTokensTable } from '../schema.js';
import { changed, deleted } from '../affected-rows.js';

export type RefreshTokenRecord = Selectable<VciRefreshTokensTable>;

/** Thrown inside a transaction to roll it back when a conditional UPDATE did not win; names which. */
class Lost extends Error {
  constructor(readonly guard: 'offer' | 'token') {
    super(guard);
  }
}

/**
 * Refresh tokens of the OpenID4VCI token endpoint (RFC 6749 §6). One family per offer (the grant
 * the first token came from). Rotation is ONE transaction whose conditional UPDATEs (the offer
 * unissued, the old token unused and unexpired) say who won, as in vci-repo.ts: two nodes never
 * both rotate one token.
 * The first token of a grant is written with the code redemption, in its transaction (vci-repo
 * `redeem`, authorization-requests-repo `redeemCode`).
 */
export const refreshTokensRepo = (db: Kysely<Database>) => ({
  async byHash(hash: string): Promise<RefreshTokenRecord | undefined> {
    return db.selectFrom('vci_refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  },

  /**
   * Uses the refresh token up and, in the same transaction: moves the offer's expiry to the new
   * refresh token's (and re-seals its claims, when given), retires the grant's access tokens,
   * stores the new access and refresh tokens. Nothing is written when the offer has nothing left
   * to issue ('offer') or the old token was already used or has expired ('token').
   *
   * The offer's row is written first: it is the grant's lock (PostgreSQL's row lock), taken first
   * by revokeFamily too, so a revocation and a rotation of one grant run one after the other and
   * neither misses the other's tokens.
   */
  async rotate(v: {
    oldHash: string;
    offerId: string;
    now: number;
    offerExpiresAt: number;
    offerClaims?: string | undefined;
    access: Insertable<VciAccessTokensTable>;
    refresh: Insertable<VciRefreshTokensTable>;
  }): Promise<true | 'offer' | 'token'> {
    try {
      await db.transaction().execute(async (tx) => {
        // The offer's expiry is the grant's version: it always changes here (a clock that has not
        // moved still adds 1 ms), and a credential request consumes the offer only at the version
        // it read with its token (vci-issuance-repo.ts), so a request on the token retired here
        // cannot consume it after this commits, even where its statement's snapshot predates it.
        const offer = await tx
          .updateTable('vci_offers')
          .set((eb) => ({
            expires_at: eb
              .case()
              .when('expires_at', '>=', v.offerExpiresAt)
              .then(eb('expires_at', '+', 1))
              .else(v.offerExpiresAt)
              .end(),
            ...(v.offerClaims !== undefined && { claims: v.offerClaims }),
          }))
          .where('id', '=', v.offerId)
          .where('issued_at', 'is', null)
          .where('claims', 'is not', null)
          .executeTakeFirst();
        if (changed(offer) !== 1) throw new Lost('offer');
        const used = await tx
          .updateTable('vci_refresh_tokens')
          .set({ used_at: v.now })
          .where('token_hash', '=', v.oldHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', v.now)
          .executeTakeFirst();
        if (changed(used) !== 1) throw new Lost('token');
        await tx.deleteFrom('vci_access_tokens').where('family_offer_id', '=', v.offerId).execute();
        await tx
          .insertInto('vci_access_tokens')
          .values({ ...v.access, family_offer_id: v.offerId })
          .execute();
        await tx.insertInto('vci_refresh_tokens').values(v.refresh).execute();
      });
      return true;
    } catch (e) {
      if (e instanceof Lost) return e.guard;
      throw e;
    }
  },

  /**
   * Revokes a grant: every access and refresh token of the offer is deleted, its open deferred
   * transactions expire (a reused refresh
   * token, RFC 9700 §4.14.2; a reused authorization code, RFC 6749 §4.1.2). Returns how many
   * tokens went. Access tokens are found by `family_offer_id` (its partial index, 0020): every
   * token such a grant stored names its offer there.
   *
   * First it drops the offer's claims (sealed under tokens about to go, no longer of use to
   * anyone), which takes the offer's row lock, as rotate and the code's redemption do: under
   * READ COMMITTED a DELETE that started before a rotation committed would not see the tokens that
   * rotation stored, and they would outlive the revocation.
   */
  async revokeFamily(offerId: string, now: number): Promise<number> {
    return db.transaction().execute(async (tx) => {
      await tx.updateTable('vci_offers').set({ claims: null }).where('id', '=', offerId).execute();
      // Its deferred transactions end with it (OpenID4VCI §9: polled with the grant's tokens): they
      // expire now and their sealed claims go, so no holder of a revoked token collects them.
      await tx
        .updateTable('vci_deferred')
        .set({ expires_at: now, claims: null })
        .where('offer_id', '=', offerId)
        .where('state', 'in', ['pending', 'completed'])
        .where('expires_at', '>', now)
        .execute();
      const a = await tx.deleteFrom('vci_access_tokens').where('family_offer_id', '=', offerId).executeTakeFirst();
      const r = await tx.deleteFrom('vci_refresh_tokens').where('offer_id', '=', offerId).executeTakeFirst();
      return deleted(a) + deleted(r);
    });
  },

  async purgeExpired(now: number): Promise<void> {
    await db.deleteFrom('vci_refresh_tokens').where('expires_at', '<=', now).execute();
  },
});

export type RefreshTokensRepo = ReturnType<typeof refreshTokensRepo>;
