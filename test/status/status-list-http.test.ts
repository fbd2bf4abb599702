/**
 * GET /status/{id} as Token Status List §8 describes the endpoint: content negotiation between
 * the JWT (§5.1) and CWT (§5.2) forms and 406 for neither, gzip for the JWT form (§8.2), `time`
 * (§8.4) and when it may be answered, CORS (§8.1) with its preflight, re-signing after a change. Real app (inject), real SQLite and PostgreSQL, real
 * signatures (the CWT's checked by cose-kit against the issuer's JWKS).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Decoder } from 'cbor-x';
import { Sign1 } from 'cose-kit';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { changeCredentialStatus } from '../../src/status/change-credential-status.js';

const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });

for (const store of storeTargets()) {
  describe(`status list endpoint (${store})`, () => {
    let t: TestApp;
    let path: string;
    beforeAll(async () => {
      t = await startTestApp({ store });
      const type = t.runtime.catalog.get('local-tax-payment');
      const key = await t.apiKey('issuer');
      // Credentials at random places in the list, some revoked, so the list is not all zeros.
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const issued = await t.app.inject({
          method: 'POST',
          url: '/v1/credentials',
          headers: { authorization: `Bearer ${key}` },
          payload: { type: 'local-tax-payment', claims: type?.example },
        });
        assert.equal(issued.statusCode, 201, issued.body);
        ids.push(issued.json().id);
        path = new URL(issued.json().status.list).pathname;
      }
      for (const id of ids.slice(0, 6)) {
        const revoked = await t.app.inject({
          method: 'POST',
          url: `/v1/credentials/${id}/revoke`,
          headers: { authorization: `Bearer ${key}` },
          payload: { reason: 'test' },
        });
        assert.equal(revoked.statusCode, 200, revoked.body);
      }
    });
    afterAll(() => t?.close());

    const get = (headers: Record<string, string> = {}, query = '') => t.app.inject({ url: `${path}${query}`, headers });

    /** A new credential, on the list under test (a list holds 131,072 before the next one starts). */
    const issueOnTheList = async (issuerKey?: string): Promise<{ id: string }> => {
      const issued = await t.app.inject({
        method: 'POST',
        url: '/v1/credentials',
        headers: { authorization: `Bearer ${issuerKey ?? (await t.apiKey('issuer'))}` },
        payload: { type: 'local-tax-payment', claims: t.runtime.catalog.get('local-tax-payment')?.example },
      });
      assert.equal(issued.statusCode, 201, issued.body);
      assert.equal(new URL(issued.json().status.list).pathname, path, 'the same list');
      return { id: issued.json().id };
    };

    it('serves the JWT form without Accept, for */* and for the JWT media types', async () => {
      for (const accept of [
        undefined,
        '*/*',
        'application/*',
        'application/statuslist+jwt',
        'application/jwt',
        'text/html, */*;q=0.1',
        'APPLICATION/StatusList+JWT; charset=utf-8',
        'application/statuslist+jwt;q=0.5, application/statuslist+cwt;q=0.5',
        'application/statuslist+cwt;q=0.2, */*',
      ]) {
        const res = await get(accept === undefined ? {} : { accept });
        assert.equal(res.statusCode, 200, `${accept}: ${res.body}`);
        assert.equal(res.headers['content-type'], 'application/statuslist+jwt', String(accept));
        assert.equal(decodeProtectedHeader(res.body).typ, 'statuslist+jwt');
        assert.match(String(res.headers.vary), /accept/i);
      }
    });

    it('serves the CWT form for application/statuslist+cwt: same claims as the JWT, signed by the issuer key (cose-kit)', async () => {
      const jwt = decodeJwt((await get()).body);
      for (const accept of [
        'application/statuslist+cwt',
        'application/cwt',
        'application/statuslist+jwt;q=0.5, application/statuslist+cwt',
        'application/*, application/statuslist+jwt;q=0',
      ]) {
        const res = await get({ accept });
        assert.equal(res.statusCode, 200, `${accept}: ${res.body}`);
        assert.equal(res.headers['content-type'], 'application/statuslist+cwt', accept);
        const bytes = res.rawPayload;
        assert.equal(bytes[0], 0xd2, 'a tagged COSE_Sign1');
        const [protectedBytes, unprotected, payload, signature] = cbor.decode(bytes.subarray(1)) as [
          Uint8Array,
          Map<number, unknown>,
          Uint8Array,
          Uint8Array,
        ];
        const header = cbor.decode(protectedBytes) as Map<number, unknown>;
        assert.equal(header.get(16), 'application/statuslist+cwt');
        const kid = Buffer.from(unprotected.get(4) as Uint8Array).toString('utf8');
        const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json() as { keys: JWK[] };
        const jwk = jwks.keys.find((k) => k.kid === kid);
        assert.ok(jwk, 'the kid is in the issuer JWKS');
        const sign1 = new Sign1(protectedBytes, unprotected, payload, signature);
        assert.equal(await sign1.verify(createPublicKey({ key: jwk as never, format: 'jwk' })), true);
        const claims = cbor.decode(payload) as Map<number, unknown>;
        assert.equal(claims.get(2), jwt.sub);
        assert.equal(claims.get(6), jwt.iat);
        assert.equal(claims.get(4), jwt.exp);
        const list = claims.get(65533) as Map<string, unknown>;
        assert.equal(list.get('bits'), (jwt.status_list as { bits: number }).bits);
        assert.equal(Buffer.from(list.get('lst') as Uint8Array).toString('base64url'), (jwt.status_list as { lst: string }).lst);
      }
    });

    it('answers 406 problem+json when Accept names neither form, and nothing else changes', async () => {
      for (const accept of [
        'application/json',
        'text/html',
        'application/statuslist+jwt;q=0, application/statuslist+cwt;q=0',
        '*/*;q=0',
        'application/*;q=0',
        'application/statuslist+jwt;q=abc',
        `application/statuslist+jwt, ${'text/x-a;q=0.5, '.repeat(80)}`, // over 1,024 characters
        `application/statuslist+jwt${', a/b'.repeat(32)}`, // 33 ranges, well under 1,024 characters
      ]) {
        const res = await get({ accept });
        assert.equal(res.statusCode, 406, accept);
        assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.equal(res.json().code, 'status_list_not_acceptable');
        assert.match(res.json().detail, /statuslist\+jwt.*statuslist\+cwt/);
        assert.equal(res.headers['access-control-allow-origin'], '*');
      }
      assert.match(String((await get({ accept: 'text/html' })).headers.vary), /accept/i);
      const ko = await get({ accept: 'application/json', 'accept-language': 'ko' });
      assert.match(ko.json().detail, /[가-힣]/);
    });

    it('gzips the JWT form for a client that takes gzip, under its own entity tag', async () => {
      const plain = await get();
      const res = await get({ 'accept-encoding': 'gzip, deflate' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(res.rawPayload).toString('utf8'), plain.body);
      assert.ok(res.rawPayload.length < plain.body.length);
      assert.notEqual(res.headers.etag, plain.headers.etag);
      assert.match(String(res.headers.vary), /accept-encoding/i);
      // Each entity tag names its own representation (RFC 9110 §8.8.3).
      assert.equal((await get({ 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) })).statusCode, 304);
      assert.equal((await get({ 'if-none-match': String(res.headers.etag) })).statusCode, 200);
      assert.equal((await get({ 'accept-encoding': 'gzip;q=0' })).headers['content-encoding'], undefined);
      const cwt = await get({ accept: 'application/statuslist+cwt', 'accept-encoding': 'gzip' });
      assert.equal(cwt.headers['content-encoding'], undefined, 'the CWT form is binary and already compressed');
      assert.equal((await get({ accept: 'application/statuslist+cwt', 'if-none-match': String(cwt.headers.etag) })).statusCode, 304);
      assert.equal((await get({ 'if-none-match': String(cwt.headers.etag) })).statusCode, 200);
    });

    it('answers a time between the token’s iat and a second known unchanged with the token; else 404; a malformed one 400', async () => {
      const iat = decodeJwt((await get()).body).iat!;
      t.clock.advance(2000); // the token's second has ended
      const now = Math.floor(t.clock.now() / 1000);
      for (const time of [iat, now - 1]) {
        const res = await get({}, `?time=${time}`);
        assert.equal(res.statusCode, 200, `time=${time}: ${res.body}`);
        assert.equal(decodeJwt(res.body).iat, iat);
        assert.equal((await get({ accept: 'application/statuslist+cwt' }, `?time=${time}`)).statusCode, 200);
      }
      // Before iat and the future are not kept (the second under way: the next test, where the clock cannot race it).
      for (const time of [iat - 1, now + 120, 0]) {
        const res = await get({}, `?time=${time}`);
        assert.equal(res.statusCode, 404, `time=${time}`);
        assert.equal(res.json().code, 'status_list_time_unavailable');
        assert.equal(res.headers['cache-control'], 'no-store');
      }
      for (const query of ['?time=abc', '?time=-1', '?time=1.5', '?time=', `?time=${now}&time=${now}`, '?time=9999999999999']) {
        const res = await get({}, query);
        assert.equal(res.statusCode, 400, query);
        assert.equal(res.json().code, 'status_list_time_invalid');
      }
    });

    it('does not vouch for a time after a change another node made, which this node’s token does not show yet', async () => {
      const other = await issueOnTheList();
      const before = await get();
      const iat = decodeJwt(before.body).iat!;
      // Another node revokes it: the store changes, this node's publisher is not told.
      await t.apiKey('admin');
      const admin = (await t.runtime.store.clients.list()).find((c) => c.role === 'admin')!;
      const changedAt = Math.floor(t.clock.now() / 1000);
      await changeCredentialStatus({ store: t.runtime.store, clock: t.clock }, admin, other.id, 'revoke', 'test');
      t.clock.advance(900); // within the second in which plain GETs still serve the token they had
      // Never the token from before the revocation for a time at or after it: refused, or a token signed since.
      const notTheOldToken = async (time: number) => {
        const res = await get({}, `?time=${time}`);
        if (res.statusCode === 200)
          assert.ok(decodeJwt(res.body).iat! > iat, `time=${time}: the token from before the revocation answered`);
        else assert.equal(res.json().code, 'status_list_time_unavailable', `time=${time}`);
      };
      await notTheOldToken(Math.floor(t.clock.now() / 1000));
      t.clock.advance(1100); // the revocation's second has ended
      await notTheOldToken(changedAt);
      // The token from before still answers for its own time, which the revocation came after; a new one answers from now on.
      const old = await get({}, `?time=${iat}`);
      if (old.statusCode === 200) assert.equal(decodeJwt(old.body).iat, iat);
      else assert.equal(old.json().code, 'status_list_time_unavailable');
      assert.ok(decodeJwt((await get()).body).iat! > iat, 'the list was signed again');
    });

    it('does not read the store again for every request about the second under way (never answerable)', async () => {
      const lists = t.runtime.store.statusLists;
      const { version } = lists;
      let reads = 0;
      lists.version = (id: string) => {
        reads++;
        return version.call(lists, id);
      };
      try {
        for (let i = 0; i < 5; i++) {
          const res = await get({}, `?time=${Math.floor(t.clock.now() / 1000)}`);
          assert.equal(res.statusCode, 404, res.body);
        }
      } finally {
        lists.version = version;
      }
      assert.ok(reads <= 1, `${reads} version reads for 5 requests`);
    });

    it('re-signs both forms after a status change', async () => {
      const jwt1 = await get();
      const cwt1 = await get({ accept: 'application/statuslist+cwt' });
      const issuerKey = await t.apiKey('issuer');
      const issued = await issueOnTheList(issuerKey);
      const suspended = await t.app.inject({
        method: 'POST',
        url: `/v1/credentials/${issued.id}/suspend`,
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { reason: 'test' },
      });
      assert.equal(suspended.statusCode, 200);
      const jwt2 = await get();
      const cwt2 = await get({ accept: 'application/statuslist+cwt' });
      assert.notEqual(jwt2.headers.etag, jwt1.headers.etag);
      assert.notEqual(cwt2.headers.etag, cwt1.headers.etag);
      const lstOf = (bytes: Buffer): string => {
        const [, , payload] = cbor.decode(bytes.subarray(1)) as [Uint8Array, unknown, Uint8Array];
        const list = (cbor.decode(payload) as Map<number, unknown>).get(65533) as Map<string, Uint8Array>;
        return Buffer.from(list.get('lst')!).toString('base64url');
      };
      assert.notEqual(lstOf(cwt2.rawPayload), lstOf(cwt1.rawPayload));
      assert.equal(lstOf(cwt2.rawPayload), (decodeJwt(jwt2.body).status_list as { lst: string }).lst);
      // Conditional requests on the CWT form: `*` and the weak form of its tag.
      for (const tag of ['*', `W/${String(cwt2.headers.etag)}`]) {
        assert.equal((await get({ accept: 'application/statuslist+cwt', 'if-none-match': tag })).statusCode, 304, tag);
      }
    });

    it('lets any origin read the list, its entity tag and its refusals (CORS), and answers the preflight', async () => {
      const res = await get({ origin: 'https://verifier.example' });
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['access-control-expose-headers']), /etag/i);
      const head = await t.app.inject({ method: 'HEAD', url: path, headers: { accept: 'application/statuslist+cwt' } });
      assert.equal(head.statusCode, 200);
      assert.equal(head.headers['access-control-allow-origin'], '*');
      assert.equal(head.headers['content-type'], 'application/statuslist+cwt');
      const notModified = await get({ 'if-none-match': String(res.headers.etag) });
      assert.equal(notModified.statusCode, 304);
      assert.equal(notModified.headers['access-control-allow-origin'], '*');
      assert.match(String(notModified.headers.vary), /accept/i);
      const missing = await t.app.inject({ url: '/status/0000000000000000', headers: { origin: 'https://verifier.example' } });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().code, 'status_list_not_found');
      assert.equal(missing.headers['access-control-allow-origin'], '*');
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: path,
        headers: {
          origin: 'https://verifier.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'if-none-match',
        },
      });
      assert.equal(preflight.statusCode, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], '*');
      assert.match(String(preflight.headers['access-control-allow-headers']), /if-none-match/i);
      assert.match(String(preflight.headers['access-control-allow-methods']), /GET/);
    });
  });
}
