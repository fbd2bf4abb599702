/**
 * Issue 22: the credential endpoint signs first and then records the credentials in the unit that
 * consumes the offer and nonces. A status slot taken since it was picked undoes that unit; the
 * credential is signed again for another slot and the unit runs again, so the wallet gets its
 * credentials, each with its one record, and nothing of the refused attempts stays. Forced here
 * by filling every slot of the open status list. On both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, credentialRequest, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';
import { rowCount } from '../helpers/row-count.js';

const TYPE = 'resident-id';

for (const backend of storeTargets()) {
  describe(`status slot collisions at the credential endpoint on ${backend}`, () => {
    let t: TestApp;
    let apiKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend });
      apiKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const issue = async (keys: number) => {
      const type = t.runtime.catalog.get(TYPE)!;
      const token = await accessToken(t, await makeOffer(t, apiKey, { type: TYPE, claims: type.example }));
      const c = await nonce(t);
      const jwt = await Promise.all(Array.from({ length: keys }, () => proof(holderKey(), { aud: t.config.publicUrl, nonce: c })));
      return credentialRequest(t, token, { credential_configuration_id: TYPE, proofs: { jwt } });
    };
    const countCredentials = () => rowCount(t, 'credentials');
    const listOf = (credential: string) =>
      (decodeJwt(credential.split('~')[0]!) as { status: { status_list: { uri: string } } }).status.status_list.uri.split('/').pop()!;

    it('signs again for another slot when the picked one is taken, and keeps one record per credential', async () => {
      const first = await issue(1);
      assert.equal(first.statusCode, 200, first.body);
      const db = t.runtime.store.db;
      const { status_list: full, status_idx: taken } = await db
        .selectFrom('credentials')
        .select(['status_list', 'status_idx'])
        .executeTakeFirstOrThrow();
      const { size } = await db.selectFrom('status_lists').select('size').where('id', '=', full).executeTakeFirstOrThrow();
      // Every other slot of the open list taken by a record nobody was handed.
      await sql`INSERT INTO credentials (id, type, format, status_list, status_idx, status, kid, holder_jkt, client_id, issued_at, expires_at, credential_hash, status_changed_at)
        WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${size})
        SELECT 'fill-' || i, ${TYPE}, 'dc+sd-jwt', ${full}, i, 0, 'k', NULL, 'filler', 0, 0, 'h', NULL FROM s WHERE i <> ${taken}`.execute(
        db,
      );
      const before = await countCredentials();

      const res = await issue(2);
      assert.equal(res.statusCode, 200, res.body);
      const { credentials, notification_id } = res.json<{ credentials: { credential: string }[]; notification_id: string }>();
      assert.equal(credentials.length, 2);
      const lists = credentials.map((c) => listOf(c.credential));
      assert.ok(
        lists.every((l) => l !== full),
        'both credentials are in a new list',
      );
      const state = await db.selectFrom('status_lists').select('state').where('id', '=', full).executeTakeFirstOrThrow();
      assert.equal(state.state, 'full');
      // Exactly the two records, in the new list, named by the notification; nothing of the refused attempts.
      const after = await countCredentials();
      assert.equal(after, before + 2);
      const named = await db.selectFrom('credentials').select(['status_list']).where('notification_id', '=', notification_id).execute();
      assert.deepEqual(
        named.map((r) => r.status_list),
        [lists[0], lists[1]],
      );
      assert.equal((await db.selectFrom('vci_notifications').select('id').where('id', '=', notification_id).execute()).length, 1);
    });
  });
}
