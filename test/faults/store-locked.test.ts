/**
 * A PostgreSQL table locked by another session (an operator's open transaction, a migration on
 * another node): a request that needs it waits at most STORE_LOCK_TIMEOUT_MS, then answers 503 with
 * Retry-After — never hangs — changes nothing, and the same server issues again once the lock
 * is gone. (SQLite's held lock is covered by store-down.test.ts.) An OpenID4VP answer whose
 * receipt cannot be stored gives its request back, so the wallet's retry is answered.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { pgAvailable } from '../helpers/stores.js';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import {
  ageOver19Query,
  createDcqlRequest,
  issueViaApi,
  postDirectPost,
  presentTo,
  readRequestView,
  verifierId,
} from '../presentation/helpers.js';

// Shorter than the default 5 s, so each refusal here costs 1.5 s; the first test proves the server waits that long.
const LOCK_TIMEOUT_MS = 1500;
const env = { RATE_LIMIT_PER_MINUTE: '0', STORE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) };

const skip = pgAvailable() ? false : 'TEST_DATABASE_URL is not set (.ci/run sets it): a lock held in PostgreSQL';

it.skipIf(skip)(
  'answers 503 after the lock timeout while another session locks a table, changes nothing, and issues again after (postgres)',
  async () => {
    const t = await startTestApp({ store: 'postgres', env });
    const locker = new pg.Client({ connectionString: t.config.databaseUrl });
    try {
      const apiKey = await t.apiKey('issuer');
      const type = t.runtime.catalog.get('civil-servant-id');
      assert.ok(type);
      const issue = () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/credentials',
          headers: { authorization: `Bearer ${apiKey}` },
          payload: { type: type.id, claims: type.example },
        });
      assert.equal((await issue()).statusCode, 201);
      const before = await t.runtime.store.credentials.count();

      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE credentials IN ACCESS EXCLUSIVE MODE');
      const t0 = Date.now();
      const refused = await issue();
      const waited = Date.now() - t0;
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.json().code, 'store_unavailable');
      assert.match(String(refused.headers['retry-after']), /^\d+$/);
      // Below the default 5 s: the setting, not the default, bounded the wait.
      assert.ok(waited >= LOCK_TIMEOUT_MS - 250 && waited < LOCK_TIMEOUT_MS + 3000, `answered after ${waited} ms`);
      await locker.query('ROLLBACK');

      assert.equal(await t.runtime.store.credentials.count(), before, 'the refused issuance stored nothing');
      const again = await issue();
      assert.equal(again.statusCode, 201, again.body);
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
    } finally {
      await locker.end().catch(() => {});
      await t.close();
    }
  },
);

/** A verifier's pending request for a driver-license age check and a holder's answer to it. */
async function presentationFor(t: TestApp) {
  const verifierKey = await t.apiKey('verifier');
  const holder = await generateHolderKey();
  const { credential } = await issueViaApi(t, await t.apiKey('issuer'), 'driver-license', holder);
  const created = await createDcqlRequest(t.app, verifierKey, ageOver19Query(t.runtime.catalog.get('driver-license')!.vct));
  const rec = (await t.runtime.store.verifierRequests.get(created.id))!;
  const presentation = await presentTo(credential, holder, await verifierId(t.app), rec.nonce);
  return { verifierKey, created, rec, presentation };
}

it.skipIf(skip)(
  'gives an OpenID4VP request back when its answer meets a store fault after the take: 503, still pending, and the same answer verifies once the fault is gone (postgres)',
  async () => {
    const t = await startTestApp({ store: 'postgres', env });
    const locker = new pg.Client({ connectionString: t.config.databaseUrl });
    try {
      const { verifierKey, created, rec, presentation } = await presentationFor(t);

      // The take (verifier_requests) goes through; the receipt's insert waits for the lock, then fails.
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE verification_receipts IN ACCESS EXCLUSIVE MODE');
      const refused = await postDirectPost(t.app, rec.state, { licence: [presentation] });
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(refused.json().error, 'temporarily_unavailable');
      await locker.query('ROLLBACK');
      assert.equal((await readRequestView(t.app, verifierKey, created.id)).status, 'pending');

      const again = await postDirectPost(t.app, rec.state, { licence: [presentation] });
      assert.equal(again.statusCode, 200, again.body);
      const view = await readRequestView(t.app, verifierKey, created.id);
      assert.equal(view.status, 'verified', JSON.stringify(view));
      assert.equal((await postDirectPost(t.app, rec.state, { licence: [presentation] })).statusCode, 400, 'answered once only');
    } finally {
      await locker.end().catch(() => {});
      await t.close();
    }
  },
);

it.skipIf(skip)(
  'stores an OpenID4VP answer’s receipts with its result or not at all: a fault storing the result leaves no receipt, and the retry records each once (postgres)',
  async () => {
    const t = await startTestApp({ store: 'postgres', env });
    const admin = new pg.Client({ connectionString: t.config.databaseUrl });
    try {
      const { verifierKey, created, rec, presentation } = await presentationFor(t);
      const receiptsOf = async () =>
        Number(
          (await admin.query<{ n: string }>('SELECT count(*) AS n FROM verification_receipts WHERE request_id = $1', [created.id])).rows[0]
            ?.n,
        );

      // Storing the result meets a lock timeout (as PostgreSQL reports one: 55P03), after the take
      // and after the receipts were signed.
      await admin.connect();
      await admin.query(`CREATE FUNCTION refuse_result() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected lock timeout' USING ERRCODE = 'lock_not_available'; END $$`);
      await admin.query(`CREATE TRIGGER refuse_result BEFORE UPDATE ON verifier_requests FOR EACH ROW
        WHEN (OLD.result IS NULL AND NEW.result IS NOT NULL) EXECUTE FUNCTION refuse_result()`);
      const refused = await postDirectPost(t.app, rec.state, { licence: [presentation] });
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal(await receiptsOf(), 0, 'no receipt of an answer whose result was not stored');
      await admin.query('DROP TRIGGER refuse_result ON verifier_requests');
      await admin.query('DROP FUNCTION refuse_result()');

      const again = await postDirectPost(t.app, rec.state, { licence: [presentation] });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal((await readRequestView(t.app, verifierKey, created.id)).status, 'verified');
      assert.equal(await receiptsOf(), 1, 'one receipt for the one presentation, after the retry too');
    } finally {
      await admin.end().catch(() => {});
      await t.close();
    }
  },
);
