/**
 * DPoP (RFC 9449 §7) at the deferred credential and notification endpoints, as at the credential
 * endpoint: a DPoP-bound access token only with the DPoP scheme and a proof by its key for that
 * endpoint (htm, htu, ath, server nonce, fresh jti); as Bearer it is refused (401, WWW-Authenticate:
 * DPoP). The binding outlives the token row (deferred issuance takes days). Real app, real store,
 * real keys, on both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { PRE_AUTH, codeOf, holderKey, makeOffer, nonce, proof, type HolderKey } from './vci-helpers.js';
import { dpopProof } from './dpop-helpers.js';

for (const backend of storeTargets()) {
  describe(`DPoP at the deferred credential and notification endpoints on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    const TYPE = 'driver-license';
    const url = (path: string) => `${t.config.publicUrl}${path}`;
    const DEFERRED = '/openid4vci/deferred-credential';
    const NOTIFICATION = '/openid4vci/notification';
    const CREDENTIAL = '/openid4vci/credential';
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const serverNonce = async () => (await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).headers['dpop-nonce'] as string;
    const call = (path: string, authorization: string, body: unknown, dpop?: string) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json', authorization, ...(dpop !== undefined && { dpop }) },
        payload: JSON.stringify(body),
      });
    const proofFor = async (key: HolderKey, path: string, token: string, n?: string) =>
      dpopProof(key, { htu: url(path), nonce: n ?? (await serverNonce()), accessToken: token });
    const oauthError = (res: { json(): unknown }) => (res.json() as { error: string }).error;

    /** A token for a fresh offer: DPoP-bound to `key` when given, else Bearer. */
    async function tokenFor(deferred: boolean, key?: HolderKey): Promise<string> {
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, deferred });
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(key && { dpop: await dpopProof(key, { htu: url('/oauth/token'), nonce: await serverNonce() }) }),
        },
        payload: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, offer) }).toString(),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().token_type, key ? 'DPoP' : 'Bearer');
      return res.json().access_token as string;
    }
    /** The first credential request (200 or 202), DPoP when `key` is given. */
    async function firstRequest(token: string, key?: HolderKey) {
      const body = {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
      };
      return key
        ? call(CREDENTIAL, `DPoP ${token}`, body, await proofFor(key, CREDENTIAL, token))
        : call(CREDENTIAL, `Bearer ${token}`, body);
    }
    const expectDpopRefusal = (res: Awaited<ReturnType<typeof call>>, code: string, name: string) => {
      assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
      assert.equal(oauthError(res), code, name);
      assert.match(res.headers['www-authenticate'] as string, new RegExp(`^DPoP error="${code}"`), name);
    };

    it('polls with the DPoP scheme and a proof for this endpoint; refuses Bearer, missing, foreign, stale-nonce and replayed proofs; collects after the token row is gone', async () => {
      const key = holderKey();
      const token = await tokenFor(true, key);
      const first = await firstRequest(token, key);
      assert.equal(first.statusCode, 202, first.body);
      const { transaction_id } = first.json() as { transaction_id: string };
      const body = { transaction_id };

      const refusals: [string, () => Promise<Awaited<ReturnType<typeof call>>>, string][] = [
        ['as Bearer', () => call(DEFERRED, `Bearer ${token}`, body), 'invalid_dpop_proof'],
        ['DPoP scheme, no proof', () => call(DEFERRED, `DPoP ${token}`, body), 'invalid_dpop_proof'],
        [
          'proof for the credential endpoint (htu)',
          async () => call(DEFERRED, `DPoP ${token}`, body, await proofFor(key, CREDENTIAL, token)),
          'invalid_dpop_proof',
        ],
        [
          'proof without ath',
          async () => call(DEFERRED, `DPoP ${token}`, body, await dpopProof(key, { htu: url(DEFERRED), nonce: await serverNonce() })),
          'invalid_dpop_proof',
        ],
        [
          'proof for another token (ath)',
          async () => call(DEFERRED, `DPoP ${token}`, body, await proofFor(key, DEFERRED, `${token}x`)),
          'invalid_dpop_proof',
        ],
        [
          'proof by another key',
          async () => call(DEFERRED, `DPoP ${token}`, body, await proofFor(holderKey(), DEFERRED, token)),
          'invalid_dpop_proof',
        ],
        [
          'proof for GET (htm)',
          async () =>
            call(
              DEFERRED,
              `DPoP ${token}`,
              body,
              await dpopProof(key, { htm: 'GET', htu: url(DEFERRED), nonce: await serverNonce(), accessToken: token }),
            ),
          'invalid_dpop_proof',
        ],
        [
          'proof without the server nonce',
          async () => call(DEFERRED, `DPoP ${token}`, body, await dpopProof(key, { htu: url(DEFERRED), accessToken: token })),
          'use_dpop_nonce',
        ],
      ];
      for (const [name, send, code] of refusals) expectDpopRefusal(await send(), code, name);
      // use_dpop_nonce names the nonce to use (§9).
      const noNonce = await call(DEFERRED, `DPoP ${token}`, body, await dpopProof(key, { htu: url(DEFERRED), accessToken: token }));
      const given = noNonce.headers['dpop-nonce'] as string;
      assert.match(given, /^[A-Za-z0-9_-]{43}$/);

      const good = await proofFor(key, DEFERRED, token, given);
      const pending = await call(DEFERRED, `DPoP ${token}`, body, good);
      assert.equal(pending.statusCode, 202, pending.body);
      assert.ok(pending.headers['dpop-nonce'], 'a nonce for the next proof');
      expectDpopRefusal(await call(DEFERRED, `DPoP ${token}`, body, good), 'invalid_dpop_proof', 'replayed jti');

      // Days later the token row is purged; the binding stays with the transaction.
      await t.runtime.store.db.deleteFrom('vci_access_tokens').where('token_hash', '=', hashSecret(token)).execute();
      const id = (
        (await t.app.inject({ url: '/v1/deferred', headers: { authorization: `Bearer ${issuerKey}` } })).json() as {
          items: { id: string }[];
        }
      ).items[0]!.id;
      const done = await t.app.inject({
        method: 'POST',
        url: `/v1/deferred/${id}/complete`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: {},
      });
      assert.equal(done.statusCode, 200, done.body);
      expectDpopRefusal(await call(DEFERRED, `Bearer ${token}`, body), 'invalid_dpop_proof', 'Bearer after the token row is gone');
      const ready = await call(DEFERRED, `DPoP ${token}`, body, await proofFor(key, DEFERRED, token));
      assert.equal(ready.statusCode, 200, ready.body);
      const { notification_id, credentials } = ready.json() as { notification_id: string; credentials: unknown[] };
      assert.equal(credentials.length, 1);

      // The notification of the deferred credentials: DPoP too, with its own htu.
      const note = { notification_id, event: 'credential_accepted' };
      expectDpopRefusal(await call(NOTIFICATION, `Bearer ${token}`, note), 'invalid_dpop_proof', 'notification as Bearer');
      expectDpopRefusal(
        await call(NOTIFICATION, `DPoP ${token}`, note, await proofFor(key, DEFERRED, token)),
        'invalid_dpop_proof',
        'notification proof for the deferred endpoint',
      );
      const accepted = await call(NOTIFICATION, `DPoP ${token}`, note, await proofFor(key, NOTIFICATION, token));
      assert.equal(accepted.statusCode, 204, accepted.body);
      assert.ok(accepted.headers['dpop-nonce']);
      assert.equal((await t.runtime.store.vciIssuance.notification(notification_id))?.event, 'credential_accepted');
    });

    it('notifies with DPoP after an immediate issuance; a bound token as Bearer is refused, nothing recorded', async () => {
      const key = holderKey();
      const token = await tokenFor(false, key);
      const first = await firstRequest(token, key);
      assert.equal(first.statusCode, 200, first.body);
      const { notification_id } = first.json() as { notification_id: string };
      const note = { notification_id, event: 'credential_deleted' };
      expectDpopRefusal(await call(NOTIFICATION, `Bearer ${token}`, note), 'invalid_dpop_proof', 'as Bearer');
      expectDpopRefusal(
        await call(NOTIFICATION, `DPoP ${token}`, note, await proofFor(holderKey(), NOTIFICATION, token)),
        'invalid_dpop_proof',
        'another key',
      );
      assert.equal((await t.runtime.store.vciIssuance.notification(notification_id))?.event, null);
      const ok = await call(NOTIFICATION, `DPoP ${token}`, note, await proofFor(key, NOTIFICATION, token));
      assert.equal(ok.statusCode, 204, ok.body);
      assert.equal((await t.runtime.store.vciIssuance.notification(notification_id))?.event, 'credential_deleted');
    });

    it('keeps Bearer tokens Bearer: sent with the DPoP scheme they are invalid_token (as at the credential endpoint), as Bearer they work', async () => {
      const token = await tokenFor(true);
      const first = await firstRequest(token);
      assert.equal(first.statusCode, 202, first.body);
      const body = { transaction_id: (first.json() as { transaction_id: string }).transaction_id };
      const asDpop = await call(DEFERRED, `DPoP ${token}`, body, await proofFor(holderKey(), DEFERRED, token));
      assert.equal(asDpop.statusCode, 401, asDpop.body);
      assert.equal(oauthError(asDpop), 'invalid_token');
      const ok = await call(DEFERRED, `Bearer ${token}`, body);
      assert.equal(ok.statusCode, 202, ok.body);
      assert.equal(ok.headers['dpop-nonce'], undefined);
      // An unknown token stays the domain's invalid_token, whatever the scheme.
      const unknown = await call(DEFERRED, 'DPoP AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', body);
      assert.equal(unknown.statusCode, 401, unknown.body);
      assert.equal(oauthError(unknown), 'invalid_token');
    });
  });
}
