/**
 * Encrypted credential requests (OpenID4VCI 1.0 §8.2, §9.1, §10, §12.2.4
 * `credential_request_encryption`): the metadata lists our request keys; a JWE (application/jwt,
 * ECDH-ES P-256, A128GCM/A256GCM) to one of them is opened and served like the JSON request; a
 * request that asks for an encrypted response must be encrypted; bad JWEs are refused with
 * invalid_encryption_parameters and nothing is consumed; a rotated key keeps working for the
 * grace period and is then refused; CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED refuses plain JSON.
 * Real HTTP through app.inject, real crypto, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, importJWK, type JWK } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { logSink } from '../helpers/log-sink.js';
import { accessToken, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';
import { rotateRequestKey } from '../../src/issuance/request-encryption/request-encryption-keys.js';

const TYPE = 'resident-id';

interface RequestKeyJwk extends JWK {
  kid: string;
}

const encryptTo = async (value: unknown, jwk: JWK, header: Record<string, unknown> = {}, enc = 'A256GCM') =>
  new CompactEncrypt(new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: jwk.kid, ...header })
    .encrypt(await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK, 'ECDH-ES'));

/** A JWE whose protected header is replaced by `header` (the rest taken from a real JWE): for checks that run before decryption. */
const withHeader = (jwe: string, header: Record<string, unknown>) =>
  [Buffer.from(JSON.stringify(header)).toString('base64url'), ...jwe.split('.').slice(1)].join('.');

/** The HTTP steps of these tests against the app and issuer key `current()` gives (set in beforeAll). */
function requestSteps(current: () => { t: TestApp; issuerKey: string }) {
  const metadata = async () => (await current().t.app.inject({ method: 'GET', url: '/.well-known/openid-credential-issuer' })).json();
  return {
    metadata,
    requestKeys: async (): Promise<RequestKeyJwk[]> => (await metadata()).credential_request_encryption.jwks.keys,
    /** An access token for a fresh pre-authorized offer of TYPE. */
    tokenFor: async () => {
      const { t, issuerKey } = current();
      return accessToken(t, await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example }));
    },
    /** A credential request for TYPE with a fresh key's proof over a fresh nonce, plus `extra`. */
    requestBody: async (extra: Record<string, unknown> = {}) => {
      const { t } = current();
      return {
        credential_configuration_id: TYPE,
        proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
        ...extra,
      };
    },
    post: (token: string, body: string, type: string, url = '/openid4vci/credential') =>
      current().t.app.inject({ method: 'POST', url, headers: { 'content-type': type, authorization: `Bearer ${token}` }, payload: body }),
  };
}

for (const backend of storeTargets()) {
  describe(`encrypted credential requests on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', CREDENTIAL_REQUEST_KEY_GRACE_SECONDS: '3600' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const { metadata, requestKeys, tokenFor, requestBody, post } = requestSteps(() => ({ t, issuerKey }));
    const responseKey = () => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = pair.publicKey.export({ format: 'jwk' }) as JWK;
      return { privateKey: pair.privateKey, param: { jwk: { ...jwk, alg: 'ECDH-ES', kid: 'w1' }, enc: 'A128GCM' } };
    };
    const decrypt = async (jwe: string, key: KeyObject) => JSON.parse(new TextDecoder().decode((await compactDecrypt(jwe, key)).plaintext));

    it('publishes credential_request_encryption: one ECDH-ES P-256 key with a kid, A128GCM and A256GCM, not required, no zip', async () => {
      const m = await metadata();
      const rq = m.credential_request_encryption;
      assert.deepEqual(rq.enc_values_supported, ['A128GCM', 'A256GCM']);
      assert.equal(rq.encryption_required, false);
      assert.equal(rq.zip_values_supported, undefined);
      assert.equal(rq.jwks.keys.length, 1);
      const [k] = rq.jwks.keys;
      assert.deepEqual([k.kty, k.crv, k.alg, k.use, typeof k.kid, k.d], ['EC', 'P-256', 'ECDH-ES', 'enc', 'string', undefined]);
      // Every node lists the same key: it lives in the store.
      assert.equal((await t.runtime.store.vciRequestKeys.byKid(k.kid))?.state, 'active');
    });

    for (const enc of ['A128GCM', 'A256GCM']) {
      it(`issues for an encrypted request (${enc}) and answers plain JSON when no encrypted response was asked`, async () => {
        const [k] = await requestKeys();
        const res = await post(await tokenFor(), await encryptTo(await requestBody(), k!, {}, enc), 'application/jwt');
        assert.equal(res.statusCode, 200, res.body);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
        assert.equal(res.json().credentials.length, 1);
      });
    }

    it('answers an encrypted request that asks for an encrypted response with a JWE to the wallet key', async () => {
      const [k] = await requestKeys();
      const w = responseKey();
      const res = await post(
        await tokenFor(),
        await encryptTo(await requestBody({ credential_response_encryption: w.param }), k!),
        'application/jwt',
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.headers['content-type'] as string, /^application\/jwt/);
      assert.match((await decrypt(res.body, w.privateKey)).credentials[0].credential, /~$/);
    });

    it('refuses a plain JSON request that asks for an encrypted response (section 8.2) and consumes nothing', async () => {
      const token = await tokenFor();
      const body = await requestBody({ credential_response_encryption: responseKey().param });
      const plain = await post(token, JSON.stringify(body), 'application/json');
      assert.equal(plain.statusCode, 400, plain.body);
      assert.equal(plain.json().error, 'invalid_encryption_parameters');
      // The same token and the same proof (its c_nonce unused) still work, encrypted.
      const [k] = await requestKeys();
      const ok = await post(token, await encryptTo(body, k!), 'application/jwt');
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('refuses bad JWEs with invalid_encryption_parameters, before the token, offer or c_nonce is consumed', async () => {
      const [k] = await requestKeys();
      const token = await tokenFor();
      const body = await requestBody();
      const good = await encryptTo(body, k!);
      const goodHeader = JSON.parse(Buffer.from(good.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
      const epk = goodHeader.epk as JWK;
      const strangerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
      const cases: [string, string][] = [
        ['not a JWE', 'hello'],
        ['a JWS', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln'],
        ['unknown kid', await encryptTo(body, { ...k!, kid: 'no-such-key' })],
        ['enc not listed', await encryptTo(body, k!, {}, 'A128CBC-HS256')],
        ['alg not ECDH-ES', withHeader(good, { ...goodHeader, alg: 'ECDH-ES+A128KW' })],
        ['epk off the curve', withHeader(good, { ...goodHeader, epk: { ...epk, y: epk.x } })],
        ['epk a private key', withHeader(good, { ...goodHeader, epk: { ...epk, d: epk.x } })],
        ['zip', withHeader(good, { ...goodHeader, zip: 'DEF' })],
        ['nested JWT (cty)', withHeader(good, { ...goodHeader, cty: 'JWT' })],
        ['undecryptable (to another key, our kid)', await encryptTo(body, { ...strangerKey, kid: k!.kid })],
        ['tampered header', withHeader(good, { ...goodHeader, apu: 'AAAA' })],
        ['plaintext a nested JWT', await encryptTo(good, k!)],
        ['plaintext not an object', await encryptTo([body], k!)],
        ['plaintext too deep', await encryptTo(JSON.parse('['.repeat(100) + ']'.repeat(100)), k!)],
      ];
      for (const [name, jwe] of cases) {
        const res = await post(token, jwe, 'application/jwt');
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(res.json().error, 'invalid_encryption_parameters', name);
      }
      const oversized = await post(token, `${good}${'A'.repeat(200_000)}`, 'application/jwt');
      assert.equal(oversized.statusCode, 413, oversized.body);
      const ok = await post(token, good, 'application/jwt');
      assert.equal(ok.statusCode, 200, ok.body);
    });

    it('refuses application/jwt on an OpenID4VCI route other than the credential endpoints (415)', async () => {
      const [k] = await requestKeys();
      const res = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/nonce',
        headers: { 'content-type': 'application/jwt' },
        payload: await encryptTo({}, k!),
      });
      assert.equal(res.statusCode, 415, res.body);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request');
    });

    it('takes an encrypted deferred credential request and encrypts the answer to the key it names (section 9.1)', async () => {
      const offer = await makeOffer(t, issuerKey, { type: TYPE, claims: t.runtime.catalog.get(TYPE)!.example, deferred: true });
      const token = await accessToken(t, offer);
      const [k] = await requestKeys();
      const first = await post(token, await encryptTo(await requestBody(), k!), 'application/jwt');
      assert.equal(first.statusCode, 202, first.body);
      const { transaction_id } = first.json();
      const plain = await post(
        token,
        JSON.stringify({ transaction_id, credential_response_encryption: responseKey().param }),
        'application/json',
        '/openid4vci/deferred-credential',
      );
      assert.equal(plain.json().error, 'invalid_encryption_parameters', plain.body);
      const w = responseKey();
      const res = await post(
        token,
        await encryptTo({ transaction_id, credential_response_encryption: w.param }, k!),
        'application/jwt',
        '/openid4vci/deferred-credential',
      );
      assert.equal(res.statusCode, 202, res.body);
      assert.match(res.headers['content-type'] as string, /^application\/jwt/);
      assert.equal((await decrypt(res.body, w.privateKey)).transaction_id, transaction_id);
    });

    it('reads a key row at most once per KEY_REFRESH_MS: a row deleted by hand is refused once that has passed (a new first key follows)', async () => {
      const [key] = await requestKeys();
      const first = await post(await tokenFor(), await encryptTo(await requestBody(), key!), 'application/jwt');
      assert.equal(first.statusCode, 200, first.body);
      await t.runtime.store.db.deleteFrom('vci_request_keys').where('kid', '=', key!.kid).execute();
      // Within KEY_REFRESH_MS of the read, the remembered row still opens requests.
      const within = await post(await tokenFor(), await encryptTo(await requestBody(), key!), 'application/jwt');
      assert.equal(within.statusCode, 200, within.body);
      t.clock.advance(t.config.keyRefreshMs);
      const after = await post(await tokenFor(), await encryptTo(await requestBody(), key!), 'application/jwt');
      assert.equal(after.statusCode, 400, after.body);
      assert.equal(after.json().error, 'invalid_encryption_parameters');
    });

    it('rotation: lists the new and the previous key, decrypts with both, and drops the previous one after the grace period', async () => {
      const [old] = await requestKeys();
      const { kid, previous } = await rotateRequestKey({ store: t.runtime.store, config: t.config, clock: t.clock });
      assert.equal(previous, old!.kid);
      t.clock.advance(t.config.keyRefreshMs);
      const listed = await requestKeys();
      assert.deepEqual(
        listed.map((k) => k.kid),
        [kid, old!.kid],
      );
      for (const key of listed) {
        const res = await post(await tokenFor(), await encryptTo(await requestBody(), key), 'application/jwt');
        assert.equal(res.statusCode, 200, `${key.kid}: ${res.body}`);
      }
      t.clock.advance(3600 * 1000);
      assert.deepEqual(
        (await requestKeys()).map((k) => k.kid),
        [kid],
      );
      const token = await tokenFor();
      const stale = await post(token, await encryptTo(await requestBody(), old!), 'application/jwt');
      assert.equal(stale.statusCode, 400, stale.body);
      assert.equal(stale.json().error, 'invalid_encryption_parameters');
    });
  });

  describe(`CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED: 'true' } });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());
    const { metadata, tokenFor, requestBody, post } = requestSteps(() => ({ t, issuerKey }));

    it('says encryption_required and refuses plain JSON requests without consuming them', async () => {
      const m = await metadata();
      assert.equal(m.credential_request_encryption.encryption_required, true);
      const token = await tokenFor();
      const body = await requestBody();
      const plain = await post(token, JSON.stringify(body), 'application/json');
      assert.equal(plain.statusCode, 400, plain.body);
      assert.equal(plain.json().error, 'invalid_encryption_parameters');
      const [k] = m.credential_request_encryption.jwks.keys as RequestKeyJwk[];
      const ok = await post(token, await encryptTo(body, k!), 'application/jwt');
      assert.equal(ok.statusCode, 200, ok.body);
    });
  });
}

describe('a request key this node cannot open (the operator secret changed)', () => {
  let t: TestApp;
  let issuerKey: string;
  const logs = logSink();
  beforeAll(async () => {
    t = await startTestApp({ logDestination: logs.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    issuerKey = await t.apiKey('issuer');
  });
  afterAll(() => t.close());
  const { requestKeys, tokenFor, requestBody, post } = requestSteps(() => ({ t, issuerKey }));

  it('refuses requests encrypted to it and tells the operator once, naming the key and the remedy', async () => {
    const [key] = await requestKeys();
    // A sealed key that does not open under this node's secret: one bit of its GCM tag flipped
    // (v1.iv.ct.tag), which fails as a key sealed under another secret does.
    const { sealed_key: sealed } = await t.runtime.store.db
      .selectFrom('vci_request_keys')
      .select('sealed_key')
      .where('kid', '=', key!.kid)
      .executeTakeFirstOrThrow();
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[3]!, 'base64url');
    tag[0] ^= 1;
    parts[3] = tag.toString('base64url');
    await t.runtime.store.db
      .updateTable('vci_request_keys')
      .set({ sealed_key: parts.join('.') })
      .where('kid', '=', key!.kid)
      .execute();
    for (let i = 0; i < 2; i++) {
      const r = await post(await tokenFor(), await encryptTo(await requestBody(), key!), 'application/jwt');
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error, 'invalid_encryption_parameters');
    }
    await new Promise((r) => setImmediate(r));
    const lines = logs.lines().filter((l) => l.includes('cannot be opened'));
    assert.equal(lines.length, 1, logs.text().slice(-2000));
    assert.match(lines[0]!, new RegExp(key!.kid));
    assert.match(lines[0]!, /rotate-request-key/);
  });
});
