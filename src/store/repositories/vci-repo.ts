import { sql, type CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, VciAccessTokensTable, VciOffersTable, VciRefreshTokensTable } from '../schema.js';
import { groupCommitted, independentSteps, type UnitWriter } from '../batch-writer.js';
import { preparedQuery } from '../prepared-query.js';
import { changed } from '../affected-rows.js';

export type VciOfferRecord = Selectable<VciOffersTable>;
export type VciAccessTokenRecord = Selectable<VciAccessTokensTable>;

/** The columns a new offer names (tx_attempts starts at 0; configuration_ids and deferred are optional). */
const OFFER_INSERT_COLUMNS = [
  'id',
  'ref_hash',
  'code_hash',
  'client_id',
  'type',
  'format',
  'configuration_id',
  'claims',
  'tx_code_hash',
  'tx_code_length',
  'created_at',
  'expires_at',
  'redeemed_at',
  'burned_at',
  'issued_at',
] as const satisfies readonly (keyof VciOfferRecord)[];
/**
 * Every column of an offer but its claims: what the steps before the credential request read
 * (offer fetch, token, PAR, QR). The claims may be 20 KB (a portrait); they are read once, by the
 * credential request. Their first characters, `claims_head` (null without claims), tell plain
 * JSON from text sealed under a code (claims-seal.ts), which is all the token step asks of them.
 */
const OFFER_HEAD_COLUMNS = [
  ...OFFER_INSERT_COLUMNS.filter((c): c is Exclude<typeof c, 'claims'> => c !== 'claims'),
  'tx_attempts',
  'configuration_ids',
  'deferred',
] as const satisfies readonly (keyof VciOfferRecord)[];
export const CLAIMS_HEAD_CHARS = 16;
export type VciOfferHead = Pick<VciOfferRecord, (typeof OFFER_HEAD_COLUMNS)[number]> & { claims_head: string | null };

/**
 * OpenID4VCI state: offers with their pre-authorized codes, and access tokens. Every single-use
 * thing is consumed by ONE conditional statement whose row count says who won, so two nodes can
 * never both consume the same code or token (c_nonces are recorded when used, by the credential
 * endpoint's unit in vci-issuance-repo.ts). The writes of the wallet's path (offer, token) are
 * group-committed units (batch-writer.ts): a guarded unit is undone as a whole when its statement
 * did not win, without touching its neighbours.
 */
export const vciRepo = (db: Kysely<Database>, writeUnits: UnitWriter) => {
  const write = groupCommitted(writeUnits);
  // The statements of the wallet's path, built once (prepared-query.ts).
  const head = () =>
    db
      .selectFrom('vci_offers')
      .select([...OFFER_HEAD_COLUMNS, sql<string | null>`substr(claims, 1, ${sql.lit(CLAIMS_HEAD_CHARS)})`.as('claims_head')]);
  const offerBy = {
    code_hash: preparedQuery(['v'], ({ v }: { v: string }) => db.selectFrom('vci_offers').selectAll().where('code_hash', '=', v)),
    id: preparedQuery(['v'], ({ v }: { v: string }) => db.selectFrom('vci_offers').selectAll().where('id', '=', v)),
  };
  const offerHeadBy = {
    ref_hash: preparedQuery(['v'], ({ v }: { v: string }) => head().where('ref_hash', '=', v)),
    code_hash: preparedQuery(['v'], ({ v }: { v: string }) => head().where('code_hash', '=', v)),
  };
  const firstRow = async <R>(query: CompiledQuery): Promise<R | undefined> => (await db.executeQuery(query)).rows[0] as R | undefined;
  const insertOffer = preparedQuery([...OFFER_INSERT_COLUMNS], (r: Insertable<VciOffersTable>) => db.insertInto('vci_offers').values(r));
  const offerByToken = preparedQuery(['v'], ({ v }: { v: string }) =>
    db
      .selectFrom('vci_access_tokens')
      .innerJoin('vci_offers', 'vci_offers.id', 'vci_access_tokens.offer_id')
      .selectAll('vci_offers')
      .select(['vci_access_tokens.expires_at as token_expires_at', 'vci_access_tokens.dpop_jkt as token_dpop_jkt'])
      .where('vci_access_tokens.token_hash', '=', v),
  );
  const tokenExpiry = preparedQuery(['v'], ({ v }: { v: string }) =>
    db.selectFrom('vci_access_tokens').select('expires_at').where('token_hash', '=', v),
  );
  const redeemOffer = preparedQuery(['id', 'now', 'expiresAt'], (v: { id: string; now: number; expiresAt: number }) =>
    db
      .updateTable('vci_offers')
      .set({ redeemed_at: v.now, expires_at: v.expiresAt })
      .where('id', '=', v.id)
      .where('redeemed_at', 'is', null)
      .where('burned_at', 'is', null)
      .where('expires_at', '>', v.now),
  );
  const insertToken = preparedQuery(
    ['token_hash', 'offer_id', 'created_at', 'expires_at', 'dpop_jkt', 'wallet_client', 'family_offer_id'],
    (r: Insertable<VciAccessTokensTable>) => db.insertInto('vci_access_tokens').values(r),
  );
  /** The purge's statements in the order they run (test/store/purge-by-index.test.ts reads their plans). */
  const purgeQueries = (now: number, keepMs: number): CompiledQuery[] => [
    db.updateTable('vci_offers').set({ claims: null }).where('expires_at', '<=', now).where('claims', 'is not', null).compile(),
    db.deleteFrom('vci_nonces').where('expires_at', '<=', now).compile(),
    db.deleteFrom('vci_access_tokens').where('expires_at', '<=', now).compile(),
    // The issuance rows (vci-issuance-repo.ts) of the offers about to go, found through them
    // (0021): before the offers, so none is left without its offer.
    db
      .deleteFrom('vci_offer_issuances')
      .where(
        'offer_id',
        'in',
        db
          .selectFrom('vci_offers')
          .select('id')
          .where('expires_at', '<=', now - keepMs),
      )
      .compile(),
    db
      .deleteFrom('vci_offers')
      .where('expires_at', '<=', now - keepMs)
      .compile(),
  ];
  return {
    async insertOffer(r: Insertable<VciOffersTable>): Promise<void> {
      // The prepared statement names every column but tx_attempts; any other row is built as it is.
      const complete = Object.keys(r).length === OFFER_INSERT_COLUMNS.length && OFFER_INSERT_COLUMNS.every((c) => r[c] !== undefined);
      await write([{ query: complete ? insertOffer(r) : db.insertInto('vci_offers').values(r).compile() }]);
    },

    async offerHeadByRefHash(refHash: string): Promise<VciOfferHead | undefined> {
      return firstRow<VciOfferHead>(offerHeadBy.ref_hash({ v: refHash }));
    },

    async offerHeadByCodeHash(codeHash: string): Promise<VciOfferHead | undefined> {
      return firstRow<VciOfferHead>(offerHeadBy.code_hash({ v: codeHash }));
    },

    /** With its claims: the Authorization Code Flow's token step opens them (sealed under the code). */
    async offerByCodeHash(codeHash: string): Promise<VciOfferRecord | undefined> {
      return firstRow<VciOfferRecord>(offerBy.code_hash({ v: codeHash }));
    },

    async offer(id: string): Promise<VciOfferRecord | undefined> {
      return firstRow<VciOfferRecord>(offerBy.id({ v: id }));
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
    async redeem(
      id: string,
      now: number,
      token: { hash: string; expiresAt: number; dpopJkt?: string | undefined; walletClient?: string | undefined },
      refresh?: Insertable<VciRefreshTokensTable>,
    ): Promise<boolean> {
      const row = {
        token_hash: token.hash,
        offer_id: id,
        created_at: now,
        expires_at: token.expiresAt,
        dpop_jkt: token.dpopJkt ?? null,
        wallet_client: token.walletClient ?? null,
        // A refresh token's rotation or reuse retires this token by its grant (0020); without one nothing does.
        family_offer_id: refresh ? id : null,
      };
      // With a refresh token (0014) the offer lives as long as it: a refresh can still cover what is left.
      const expiresAt = Math.max(token.expiresAt, Number(refresh?.expires_at ?? 0));
      // Independent steps (batch-writer.ts): one statement on PostgreSQL.
      const r = await write(
        independentSteps([
          { query: redeemOffer({ id, now, expiresAt }), expect: 1 },
          { query: insertToken(row) },
          ...(refresh ? [{ query: db.insertInto('vci_refresh_tokens').values(refresh).compile() }] : []),
        ]),
      );
      return r.ok;
    },

    /** When the access token expires, or undefined for a token never issued or already purged (the notification endpoint's check). */
    async accessTokenExpiry(tokenHash: string): Promise<number | undefined> {
      return (await firstRow<{ expires_at: number }>(tokenExpiry({ v: tokenHash })))?.expires_at;
    },

    /** The access token's expiry, its DPoP binding and its offer, in one read (the credential endpoint's first step). */
    async offerByAccessToken(
      tokenHash: string,
    ): Promise<{ tokenExpiresAt: number; dpopJkt: string | null; offer: VciOfferRecord } | undefined> {
      const row = await firstRow<VciOfferRecord & { token_expires_at: number; token_dpop_jkt: string | null }>(
        offerByToken({ v: tokenHash }),
      );
      if (!row) return undefined;
      const { token_expires_at: tokenExpiresAt, token_dpop_jkt: dpopJkt, ...offer } = row;
      return { tokenExpiresAt, dpopJkt: dpopJkt ?? null, offer };
    },

    /**
     * Housekeeping: drops the claims of expired offers at once, and deletes expired nonces, tokens
     * and offers once `keepMs` past their expiry, with their issuance rows (an unknown code or nonce
     * is refused like a used one). Every statement reads by an index of its range (0021).
     */
    async purgeExpired(now: number, keepMs: number): Promise<void> {
      for (const query of purgeQueries(now, keepMs)) await db.executeQuery(query);
    },

    purgeQueries,
  };
};

export type VciRepo = ReturnType<typeof vciRepo>;
