/**
 * Races between the writes of one OpenID4VCI grant on two connections (two nodes, or a
 * WORKERS>1 node's processes), each through its own store: under PostgreSQL's READ COMMITTED a
 * statement that started before another transaction committed does not see its rows, so the
 * units take the offer's row lock first. SQLite (one writer, BEGIN IMMEDIATE) runs them in turn;
 * the same rounds run there too, on one store.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/store.js';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';
import { offerRow } from '../helpers/offer-row.js';

const NOW = 1_700_000_000_000;
const ROUNDS = 40;

for (const backend of storeTargets()) {
  describe(`one grant's writes racing on two connections, ${backend}`, () => {
    let target: StoreTarget;
    let a: Store;
    let b: Store;
    beforeAll(async () => {
      target = await makeStoreTarget(backend);
      const open = () => openStore({ dataDir: target.dataDir, databaseUrl: target.databaseUrl });
      a = open();
      await a.migrate();
      // Two SQLite connections in one process would wait on each other's lock with the event loop
      // blocked (better-sqlite3 is synchronous); across processes they take turns. One store there.
      b = backend === 'postgres' ? open() : a;
    });
    afterAll(async () => {
      await a?.close();
      if (b !== a) await b?.close();
      await target?.cleanup();
    });

    /** A redeemed offer with access token `t-<id>` and refresh token `r-<id>`. */
    const grant = async (id: string, other: Parameters<typeof offerRow>[3] = {}) => {
      await a.vci.insertOffer(offerRow(id, NOW, NOW + 600_000, other));
      const refresh = { token_hash: `r-${id}`, offer_id: id, created_at: NOW, expires_at: NOW + 3_600_000 };
      assert.equal(await a.vci.redeem(id, NOW, { hash: `t-${id}`, expiresAt: NOW + 300_000 }, refresh), true);
    };
    const live = async (id: string) => ({
      access: (await a.db.selectFrom('vci_access_tokens').select('token_hash').where('offer_id', '=', id).execute()).length,
      refresh: (await a.db.selectFrom('vci_refresh_tokens').select('token_hash').where('offer_id', '=', id).execute()).length,
    });

    it('a revocation racing a rotation leaves no token of the grant alive, whichever commits first', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = `rot-${round}`;
        await grant(id);
        const [rotated] = await Promise.all([
          a.refreshTokens.rotate({
            oldHash: `r-${id}`,
            offerId: id,
            now: NOW + 1,
            offerExpiresAt: NOW + 3_600_000,
            access: { token_hash: `t2-${id}`, offer_id: id, created_at: NOW + 1, expires_at: NOW + 300_000 },
            refresh: { token_hash: `r2-${id}`, offer_id: id, created_at: NOW + 1, expires_at: NOW + 3_600_000 },
          }),
          b.refreshTokens.revokeFamily(id, NOW + 1),
        ]);
        // Revoked first: the rotation finds the grant's claims dropped ('offer') or its token gone ('token').
        assert.ok(rotated === true || rotated === 'token' || rotated === 'offer', `round ${round}: ${String(rotated)}`);
        assert.deepEqual(await live(id), { access: 0, refresh: 0 }, `round ${round}: rotation ${String(rotated)}`);
      }
    });

    it('two requests consuming the last two configurations of an offer mark it issued and drop its claims', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const id = `two-${round}`;
        await grant(id);
        const version = (await a.vci.offer(id))!.expires_at;
        const consume = (store: Store, configurationId: string) =>
          store.vciIssuance.consumeConfiguration({
            offerId: id,
            configurationId,
            covered: 2,
            nonces: [],
            now: NOW + 2,
            tokenHash: `t-${id}`,
            grantVersion: version,
          });
        const results = await Promise.all([consume(a, 'resident-id'), consume(b, 'resident-id-vc')]);
        assert.deepEqual(results, [{ ok: true }, { ok: true }], `round ${round}`);
        const offer = await a.vci.offer(id);
        assert.notEqual(offer?.issued_at, null, `round ${round}: the offer is marked issued`);
        assert.equal(offer?.claims, null, `round ${round}: its claims are gone`);
      }
    });

    it("a revoked grant's open deferred transactions end with it: expired, their sealed claims gone", async () => {
      await grant('deferred-revoked');
      const row = (id: string, state: 'pending' | 'completed' | 'collected') => ({
        id,
        transaction_hash: `tx-${id}`,
        token_hash: 't-deferred-revoked',
        offer_id: 'deferred-revoked',
        client_id: 'c1',
        configuration_id: 'resident-id',
        holder_jwks: '[]',
        claims: state === 'collected' ? null : 'sealed-x25519.x.y',
        state,
        created_at: NOW,
        expires_at: NOW + 604_800_000,
        decided_at: null,
        collected_at: null,
      });
      await a.db
        .insertInto('vci_deferred')
        .values([row('d-pending', 'pending'), row('d-completed', 'completed'), row('d-collected', 'collected')])
        .execute();
      await b.refreshTokens.revokeFamily('deferred-revoked', NOW + 5);
      const after = await a.db.selectFrom('vci_deferred').select(['id', 'expires_at', 'claims']).orderBy('id').execute();
      assert.deepEqual(
        after.map((r) => [r.id, Number(r.expires_at), r.claims]),
        [
          ['d-collected', NOW + 604_800_000, null],
          ['d-completed', NOW + 5, null],
          ['d-pending', NOW + 5, null],
        ],
      );
    });

    it('a request whose access token was revoked while it signed consumes nothing', async () => {
      await grant('revoked-while-signing');
      await b.refreshTokens.revokeFamily('revoked-while-signing', NOW + 1);
      const r = await a.vciIssuance.consumeConfiguration({
        offerId: 'revoked-while-signing',
        configurationId: 'resident-id',
        covered: 1,
        nonces: [{ hash: 'n-revoked', expiresAt: NOW + 300_000 }],
        now: NOW + 3,
        tokenHash: 't-revoked-while-signing',
        grantVersion: NOW + 3_600_000,
      });
      assert.deepEqual(r, { ok: false, reason: 'token' });
      const offer = await a.vci.offer('revoked-while-signing');
      assert.equal(offer?.issued_at, null, 'the offer is not consumed');
      const nonce = await a.db.selectFrom('vci_nonces').select('nonce_hash').where('nonce_hash', '=', 'n-revoked').executeTakeFirst();
      assert.equal(nonce, undefined, 'the c_nonce is not used up');
    });
  });
}
