/**
 * A token request whose next DPoP nonce cannot be stored (RFC 9449 §8.2: a new nonce is minted
 * when the current one has had its turn, and minting writes to the store) is answered 503 before
 * the pre-authorized code is used: the wallet's retry redeems the same code.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestApp } from '../helpers/test-app.js';
import { pgAvailable } from '../helpers/stores.js';
import { PRE_AUTH, codeOf, holderKey, makeOffer } from '../openid4vci/vci-helpers.js';
import { dpopProof } from '../openid4vci/dpop-helpers.js';

const skip = pgAvailable() ? false : 'TEST_DATABASE_URL is not set (.ci/run sets it): a fault injected in PostgreSQL';

it.skipIf(skip)('takes the next DPoP nonce before the code: a fault minting it leaves the code for the retry (postgres)', async () => {
  const t = await startTestApp({ store: 'postgres', env: { RATE_LIMIT_PER_MINUTE: '0', DPOP_NONCE_TTL_SECONDS: '300' } });
  const admin = new pg.Client({ connectionString: t.config.databaseUrl });
  try {
    const offer = await makeOffer(t, await t.apiKey('issuer'), {
      type: 'resident-id',
      claims: t.runtime.catalog.get('resident-id')!.example,
    });
    const code = await codeOf(t, offer);
    const key = holderKey();
    const htu = `${t.config.publicUrl}/oauth/token`;
    const given = (await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).headers['dpop-nonce'] as string;
    assert.ok(given);
    // The nonce has had its turn (a quarter of its lifetime): the next answer mints another.
    t.clock.advance(80_000);
    const tokenCall = async () =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          dpop: await dpopProof(key, { htu, nonce: given, iat: Math.floor(t.clock.now() / 1000) }),
        },
        payload: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': code }).toString(),
      });

    // Storing a new DPoP nonce meets a lock timeout (as PostgreSQL reports one: 55P03).
    await admin.connect();
    await admin.query(`CREATE FUNCTION refuse_dpop_nonce() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected lock timeout' USING ERRCODE = 'lock_not_available'; END $$`);
    await admin.query(`CREATE TRIGGER refuse_dpop_nonce BEFORE INSERT ON consumed_nonces FOR EACH ROW
      WHEN (NEW.kind = 'dpop_nonce') EXECUTE FUNCTION refuse_dpop_nonce()`);
    const refused = await tokenCall();
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.json().error, 'temporarily_unavailable');
    await admin.query('DROP TRIGGER refuse_dpop_nonce ON consumed_nonces');
    await admin.query('DROP FUNCTION refuse_dpop_nonce()');

    const again = await tokenCall();
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().token_type, 'DPoP');
    assert.ok(again.headers['dpop-nonce'] && again.headers['dpop-nonce'] !== given, 'a new nonce for the next proof');
  } finally {
    await admin.end().catch(() => {});
    await t.close();
  }
});
