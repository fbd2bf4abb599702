/**
 * Deferred issuance (OpenID4VCI §8.3, §9): an offer the agency defers makes the credential endpoint
 * answer 202 with a transaction_id and interval; the wallet polls the deferred credential endpoint
 * (202 while pending); the agency completes (optionally with new claims) or refuses through the
 * back-office API. Real HTTP (inject), real store, real crypto, on both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { accessToken, credentialRequest, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';

const errors: string[] = [];
const log = new Writable({
  write(chunk, _enc, cb) {
    if (String(chunk).includes('"level":50')) errors.push(String(chunk));
    cb();
  },
});

const payloadOf = (sdJwt: string) =>
  JSON.parse(Buffer.from(sdJwt.split('~')[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

for (const backend of storeTargets()) {
  describe(`deferred issuance on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let otherIssuer: string;
    let issuer: string;
    const TYPE = 'driver-license';
    beforeAll(async () => {
      t = await startTestApp({ store: backend, logDestination: log, env: { RATE_LIMIT_PER_MINUTE: '0', DEFERRED_INTERVAL_SECONDS: '5' } });
      issuerKey = await t.apiKey('issuer');
      otherIssuer = await t.apiKey('issuer');
      issuer = t.config.publicUrl;
    });
    afterAll(() => t.close());

    const example = () => t.runtime.catalog.get(TYPE)!.example as Record<string, unknown>;
    const backOffice = (key: string, path: string, payload?: unknown) =>
      t.app.inject({
        method: payload === undefined && !path.includes('/complete') && !path.includes('/refuse') ? 'GET' : 'POST',
        url: path,
        headers: { authorization: `Bearer ${key}` },
        ...(payload !== undefined && { payload: payload as object }),
      });
    const deferredCall = (token: string, body: unknown) => credentialRequest(t, token, body, '/openid4vci/deferred-credential');

    /** A deferred offer, its token, and the 202 of the credential endpoint for `holders` keys. */
    async function startDeferred(holders = 1) {
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: example(), deferred: true });
      const token = await accessToken(t, offer);
      const keys = Array.from({ length: holders }, () => holderKey());
      const jwts = await Promise.all(keys.map(async (k) => proof(k, { aud: issuer, nonce: await nonce(t) })));
      const first = await credentialRequest(t, token, { credential_configuration_id: TYPE, proofs: { jwt: jwts } });
      return { offer, token, keys, first };
    }

    it('publishes the deferred credential and notification endpoints in the metadata', async () => {
      const meta = (await t.app.inject({ url: '/.well-known/openid-credential-issuer' })).json() as Record<string, string>;
      assert.equal(meta.deferred_credential_endpoint, `${issuer}/openid4vci/deferred-credential`);
      assert.equal(meta.notification_endpoint, `${issuer}/openid4vci/notification`);
    });

    it('holds the waiting claims sealed to the transaction (no claim value, no private key in the store), also what the agency completes with; a row from before 0014 still issues', async () => {
      const rowOf = (offerId: string) =>
        t.runtime.store.db
          .selectFrom('vci_deferred')
          .select(['id', 'claims', 'claims_key'])
          .where('offer_id', '=', offerId)
          .executeTakeFirstOrThrow();
      const sealed = async (offerId: string, name: string) => {
        const row = await rowOf(offerId);
        assert.ok(row.claims!.startsWith('sealed-x25519.'), row.claims!);
        assert.equal(row.claims!.includes(name), false);
        assert.equal(
          Buffer.from(row.claims!.split('.')[2] ?? '', 'base64url')
            .toString()
            .includes(name),
          false,
        );
        const key = JSON.parse(row.claims_key!) as JWK;
        assert.deepEqual(Object.keys(key).sort(), ['crv', 'kty', 'x'], 'only the public key is stored');
        return row;
      };
      const { offer, token, first } = await startDeferred();
      assert.equal(first.statusCode, 202, first.body);
      const { transaction_id } = first.json() as { transaction_id: string };
      const row = await sealed(offer.id, String(example().family_name));
      // The agency's new claims are sealed too, by a node that never saw the transaction_id.
      const done = await backOffice(issuerKey, `/v1/deferred/${row.id}/complete`, { claims: { ...example(), given_name: '봉인' } });
      assert.equal(done.statusCode, 200, done.body);
      await sealed(offer.id, '봉인');
      const ready = await deferredCall(token, { transaction_id });
      assert.equal(ready.statusCode, 200, ready.body + errors.join('\n'));
      const body = ready.json() as { credentials: { credential: string }[] };
      assert.ok(
        body.credentials[0]!.credential.split('~').some((d) => d !== '' && Buffer.from(d, 'base64url').toString().includes('봉인')),
      );
      assert.equal((await rowOf(offer.id)).claims, null, 'collected: the claims left the store');

      // A transaction opened before migration 0014: plain claims and no key. It completes and issues as before.
      const old = await startDeferred();
      const oldTx = (old.first.json() as { transaction_id: string }).transaction_id;
      const oldRow = await rowOf(old.offer.id);
      await t.runtime.store.db
        .updateTable('vci_deferred')
        .set({ claims: JSON.stringify(example()), claims_key: null })
        .where('id', '=', oldRow.id)
        .execute();
      assert.equal((await backOffice(issuerKey, `/v1/deferred/${oldRow.id}/complete`, {})).statusCode, 200);
      const oldReady = await deferredCall(old.token, { transaction_id: oldTx });
      assert.equal(oldReady.statusCode, 200, oldReady.body);
    });

    it('answers 202 with transaction_id and interval, keeps the wallet waiting, then issues what the agency completed, once', async () => {
      const before = await t.runtime.store.credentials.count();
      const { token, keys, first } = await startDeferred(2);
      assert.equal(first.statusCode, 202, first.body);
      assert.equal(first.headers['cache-control'], 'no-store');
      const { transaction_id, interval, credentials } = first.json() as { transaction_id: string; interval: number; credentials?: unknown };
      assert.ok(transaction_id.length >= 43);
      assert.equal(interval, 5);
      assert.equal(credentials, undefined);
      assert.equal(await t.runtime.store.credentials.count(), before, 'nothing is signed while deferred');

      // Still pending: 202 with the same transaction_id (§9.2).
      const pending = await deferredCall(token, { transaction_id });
      assert.equal(pending.statusCode, 202, pending.body);
      assert.deepEqual(pending.json(), { transaction_id, interval: 5 });

      // The agency sees it (no claims, no keys) and completes it with the claims it now has.
      const list = (await backOffice(issuerKey, '/v1/deferred')).json() as { items: { id: string; state: string; holder_keys: number }[] };
      const item = list.items[0]!;
      assert.equal(item.state, 'pending');
      assert.equal(item.holder_keys, 2);
      assert.equal(JSON.stringify(list).includes(String(example().family_name)), false);
      // Another issuer client neither sees nor decides it.
      assert.equal(((await backOffice(otherIssuer, '/v1/deferred')).json() as { items: unknown[] }).items.length, 0);
      const stranger = await backOffice(otherIssuer, `/v1/deferred/${item.id}/complete`, {});
      assert.equal(stranger.statusCode, 404);
      assert.equal(stranger.json().code, 'deferred_not_found');
      // Claims that break the type's schema are refused, and nothing changes.
      const bad = await backOffice(issuerKey, `/v1/deferred/${item.id}/complete`, { claims: { family_name: 7 } });
      assert.equal(bad.statusCode, 400, bad.body);
      const done = await backOffice(issuerKey, `/v1/deferred/${item.id}/complete`, { claims: { ...example(), given_name: '지우' } });
      assert.equal(done.statusCode, 200, done.body + errors.join('\n'));
      assert.equal(done.json().state, 'completed');
      const again = await backOffice(issuerKey, `/v1/deferred/${item.id}/refuse`, {});
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'deferred_already_decided');

      const ready = await deferredCall(token, { transaction_id });
      assert.equal(ready.statusCode, 200, ready.body + errors.join('\n'));
      const body = ready.json() as { credentials: { credential: string }[]; notification_id: string };
      assert.equal(body.credentials.length, 2);
      assert.ok(body.notification_id);
      const cnfs = await Promise.all(
        body.credentials.map((c) => calculateJwkThumbprint((payloadOf(c.credential).cnf as { jwk: JWK }).jwk)),
      );
      assert.deepEqual(cnfs, await Promise.all(keys.map((k) => calculateJwkThumbprint(k.jwk))));
      // The completed claims are the ones issued (given_name is a selectively disclosable claim).
      const disclosed = body.credentials[0]!.credential.split('~')
        .slice(1, -1)
        .map((d) => JSON.parse(Buffer.from(d, 'base64url').toString()) as unknown[]);
      assert.ok(disclosed.some((d) => d[1] === 'given_name' && d[2] === '지우'));
      assert.equal(await t.runtime.store.credentials.count(), before + 2);
      // §11: the notification_id names both records, which were stored before it (migration 0019).
      const notified = await credentialRequest(
        t,
        token,
        { notification_id: body.notification_id, event: 'credential_accepted' },
        '/openid4vci/notification',
      );
      assert.equal(notified.statusCode, 204, notified.body);
      const registry = (await backOffice(issuerKey, '/v1/credentials?limit=50')).json() as {
        items: { wallet_event: { event: string } | null }[];
      };
      assert.equal(registry.items.filter((r) => r.wallet_event?.event === 'credential_accepted').length, 2);

      // §9.1: invalidated once the credentials were obtained.
      const used = await deferredCall(token, { transaction_id });
      assert.equal(used.statusCode, 400);
      assert.equal(used.json().error, 'invalid_transaction_id');
      assert.equal(await t.runtime.store.credentials.count(), before + 2);
      const view = (await backOffice(issuerKey, '/v1/deferred')).json() as { items: { id: string; state: string }[] };
      assert.equal(view.items.find((i) => i.id === item.id)?.state, 'collected');
      // The claims left the store with the collection.
      assert.equal((await t.runtime.store.vciIssuance.deferred(item.id))?.claims, null);
    });

    it('answers credential_request_denied once the agency refused, and nothing is issued', async () => {
      const before = await t.runtime.store.credentials.count();
      const { token, first } = await startDeferred();
      const { transaction_id } = first.json() as { transaction_id: string };
      const [item] = ((await backOffice(issuerKey, '/v1/deferred')).json() as { items: { id: string }[] }).items;
      const refused = await backOffice(issuerKey, `/v1/deferred/${item!.id}/refuse`, {});
      assert.equal(refused.statusCode, 200, refused.body);
      assert.equal(refused.json().state, 'refused');
      const r = await deferredCall(token, { transaction_id });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error, 'credential_request_denied');
      assert.equal(await t.runtime.store.credentials.count(), before);
      assert.equal((await t.runtime.store.vciIssuance.deferred(item!.id))?.claims, null);
    });

    it('refuses unknown transaction ids, another access token, a missing token and malformed requests, never with a 500', async () => {
      const { token, first } = await startDeferred();
      const { transaction_id } = first.json() as { transaction_id: string };
      const unknown = await deferredCall(token, { transaction_id: 'not-a-transaction' });
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json().error, 'invalid_transaction_id');
      const other = await startDeferred();
      const wrongToken = await deferredCall(other.token, { transaction_id });
      assert.equal(wrongToken.statusCode, 401);
      assert.equal(wrongToken.json().error, 'invalid_token');
      const none = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/deferred-credential',
        headers: { 'content-type': 'application/json' },
        payload: { transaction_id },
      });
      assert.equal(none.statusCode, 401);
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      for (const body of [{}, { transaction_id: 5 }, { transaction_id: '' }, [transaction_id]]) {
        const r = await deferredCall(token, body);
        assert.equal(r.statusCode, 400, JSON.stringify(body));
        assert.equal(r.json().error, 'invalid_credential_request');
      }
      const form = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/deferred-credential',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `transaction_id=${transaction_id}`,
      });
      assert.equal(form.statusCode, 400);
      assert.equal(form.json().error, 'invalid_credential_request');
      const badId = await backOffice(issuerKey, '/v1/deferred/zz/complete', {});
      assert.equal(badId.statusCode, 400);
      const verifier = await t.apiKey('verifier');
      assert.equal((await backOffice(verifier, '/v1/deferred')).statusCode, 403);
      assert.deepEqual(errors, []);
    });

    it('defers every credential of a configuration named in DEFERRED_CONFIGURATIONS', async () => {
      const d = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', DEFERRED_CONFIGURATIONS: `${TYPE}-vc-jwt` } });
      try {
        const key = await d.apiKey('issuer');
        const offer = await makeOffer(d, key, { type: TYPE, claims: example(), format: 'vc+jwt' });
        const token = await accessToken(d, offer);
        const r = await credentialRequest(d, token, { credential_configuration_id: `${TYPE}-vc-jwt` });
        assert.equal(r.statusCode, 202, r.body);
        const { transaction_id } = r.json() as { transaction_id: string };
        const [item] = (
          (await d.app.inject({ url: '/v1/deferred', headers: { authorization: `Bearer ${key}` } })).json() as { items: { id: string }[] }
        ).items;
        await d.app.inject({
          method: 'POST',
          url: `/v1/deferred/${item!.id}/complete`,
          headers: { authorization: `Bearer ${key}` },
          payload: {},
        });
        const done = await credentialRequest(d, token, { transaction_id }, '/openid4vci/deferred-credential');
        assert.equal(done.statusCode, 200, done.body);
        assert.equal((done.json() as { credentials: unknown[] }).credentials.length, 1);
      } finally {
        await d.close();
      }
    });
  });
}
