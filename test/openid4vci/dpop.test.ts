/**
 * DPoP (RFC 9449) at the token and credential endpoints, on a real app and store: server nonces
 * shared through the store, jti replay, htm/htu/iat/ath, key checks, binding (cnf.jkt), and the
 * DPOP_REQUIRED policy per credential configuration. Real keys, real signatures.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, decodeProtectedHeader, SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { dpopVerifier } from '../../src/issuance/dpop/verify-dpop.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { PRE_AUTH, codeOf, holderKey, makeOffer, nonce, proof, type HolderKey, type Offer } from './vci-helpers.js';
import { dpopProof } from './dpop-helpers.js';

for (const backend of storeTargets()) {
  describe(`DPoP at the OpenID4VCI endpoints on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let tokenUrl: string;
    let credentialUrl: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', DPOP_REQUIRED: 'driver-license' } });
      issuerKey = await t.apiKey('issuer');
      tokenUrl = `${t.config.publicUrl}/oauth/token`;
      credentialUrl = `${t.config.publicUrl}/openid4vci/credential`;
    });
    afterAll(() => t.close());

    const offerFor = (type = 'resident-id') => makeOffer(t, issuerKey, { type, claims: t.runtime.catalog.get(type)!.example });
    const tokenCall = async (offer: Offer, dpop?: string, extra: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(dpop !== undefined && { dpop }), ...extra },
        payload: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, offer) }).toString(),
      });
    const serverNonce = async () => (await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).headers['dpop-nonce'] as string;
    const credentialCall = (authorization: string, body: unknown, dpop?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { 'content-type': 'application/json', authorization, ...(dpop !== undefined && { dpop }) },
        payload: JSON.stringify(body),
      });
    /** A DPoP-bound token for a fresh offer, and the key it is bound to. */
    const boundToken = async (type = 'resident-id'): Promise<{ token: string; key: HolderKey }> => {
      const key = holderKey();
      const res = await tokenCall(await offerFor(type), await dpopProof(key, { htu: tokenUrl, nonce: await serverNonce() }));
      assert.equal(res.statusCode, 200, res.body);
      return { token: res.json().access_token, key };
    };
    const body = async (type = 'resident-id') => ({
      credential_configuration_id: type,
      proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
    });
    const oauthError = (res: { json(): unknown }) => (res.json() as { error: string }).error;

    it('publishes dpop_signing_alg_values_supported and hands out a DPoP-Nonce at the nonce endpoint', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
      assert.deepEqual(m.dpop_signing_alg_values_supported, ['ES256', 'EdDSA']);
      const n = await serverNonce();
      assert.match(n, /^[A-Za-z0-9_-]{43}$/);
    });

    it('asks for its nonce first (use_dpop_nonce + DPoP-Nonce), then binds the token to the key: token_type DPoP, cnf.jkt stored', async () => {
      const key = holderKey();
      const offer = await offerFor();
      const first = await tokenCall(offer, await dpopProof(key, { htu: tokenUrl }));
      assert.equal(first.statusCode, 400);
      assert.equal(oauthError(first), 'use_dpop_nonce');
      const given = first.headers['dpop-nonce'] as string;
      assert.ok(given);
      const second = await tokenCall(offer, await dpopProof(key, { htu: tokenUrl, nonce: given }));
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().token_type, 'DPoP');
      assert.ok(second.headers['dpop-nonce']);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('dpop_jkt')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      assert.equal(row?.dpop_jkt, await calculateJwkThumbprint(key.jwk));

      // The credential endpoint: DPoP scheme, a proof by the same key with ath and the nonce.
      const token = second.json().access_token as string;
      const res = await credentialCall(
        `DPoP ${token}`,
        await body(),
        await dpopProof(key, { htu: credentialUrl, nonce: given, accessToken: token }),
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(res.headers['dpop-nonce']);
      assert.equal(decodeProtectedHeader(parseSdJwt(res.json().credentials[0].credential).jwt).typ, 'dc+sd-jwt');
    });

    it('accepts a nonce another node handed out (the nonce lives in the shared store)', async () => {
      const otherNode = dpopVerifier(t.runtime);
      const n = await otherNode.nonces.current();
      const res = await tokenCall(await offerFor(), await dpopProof(holderKey(), { htu: tokenUrl, nonce: n }));
      assert.equal(res.statusCode, 200, res.body);
    });

    it('compares htu as RFC 3986 §6.2.2 normalises it: case of scheme and host, default port, percent-encoding', async () => {
      const u = new URL(tokenUrl);
      const variants = [
        tokenUrl.replace(/^http/, 'HTTP').replace(u.hostname, u.hostname.toUpperCase()),
        `${u.origin}/oauth/%74oken`,
        `${u.origin}/oauth/t%6Fken?x=1#f`,
      ];
      for (const htu of variants) {
        const res = await tokenCall(await offerFor(), await dpopProof(holderKey(), { htu, nonce: await serverNonce() }));
        assert.equal(res.statusCode, 200, `${htu}: ${res.body}`);
      }
      // An encoded character that is not unreserved is not the character (%2F is not /).
      const slash = await tokenCall(
        await offerFor(),
        await dpopProof(holderKey(), { htu: `${u.origin}/oauth%2Ftoken`, nonce: await serverNonce() }),
      );
      assert.equal(slash.statusCode, 400, slash.body);
    });

    it('refuses a replayed DPoP proof (same jti) at the token endpoint', async () => {
      const key = holderKey();
      const p = await dpopProof(key, { htu: tokenUrl, nonce: await serverNonce() });
      assert.equal((await tokenCall(await offerFor(), p)).statusCode, 200);
      const again = await tokenCall(await offerFor(), p);
      assert.equal(again.statusCode, 400);
      assert.equal(oauthError(again), 'invalid_dpop_proof');
    });

    it('refuses bad proofs at the token endpoint with invalid_dpop_proof (400), never touching the code', async () => {
      const key = holderKey();
      const n = await serverNonce();
      const hmac = await new SignJWT({ htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), jti: 'x1', nonce: n })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })
        .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough'));
      const priv = key.privateKey.export({ format: 'jwk' });
      const offCurve = { ...key.jwk, y: key.jwk.x };
      const cases: [string, string][] = [
        ['wrong typ', await dpopProof(key, { htu: tokenUrl, nonce: n, typ: 'JWT' })],
        ['HS256', hmac],
        [
          'alg none',
          `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${Buffer.from(JSON.stringify({ htm: 'POST', htu: tokenUrl, iat: 1, jti: 'n' })).toString('base64url')}.`,
        ],
        ['private jwk', await dpopProof(key, { htu: tokenUrl, nonce: n, header: { jwk: priv } })],
        ['off-curve jwk', await dpopProof(key, { htu: tokenUrl, nonce: n, header: { jwk: offCurve } })],
        ['signed by another key', await dpopProof(holderKey(), { htu: tokenUrl, nonce: n, header: { jwk: key.jwk } })],
        ['htm GET', await dpopProof(key, { htu: tokenUrl, nonce: n, htm: 'GET' })],
        ['htu of another endpoint', await dpopProof(key, { htu: credentialUrl, nonce: n })],
        ['htu of another host', await dpopProof(key, { htu: 'https://evil.example/oauth/token', nonce: n })],
        ['iat in the future', await dpopProof(key, { htu: tokenUrl, nonce: n, iat: Math.floor(Date.now() / 1000) + 600 })],
        ['iat too old', await dpopProof(key, { htu: tokenUrl, nonce: n, iat: Math.floor(Date.now() / 1000) - 3600 })],
        ['iat not a number', await dpopProof(key, { htu: tokenUrl, nonce: n, payload: { iat: 'now' } })],
        ['exp passed', await dpopProof(key, { htu: tokenUrl, nonce: n, payload: { exp: Math.floor(Date.now() / 1000) - 600 } })],
        ['nbf ahead', await dpopProof(key, { htu: tokenUrl, nonce: n, payload: { nbf: Math.floor(Date.now() / 1000) + 600 } })],
        ['no jti', await dpopProof(key, { htu: tokenUrl, nonce: n, payload: { jti: undefined } })],
        ['not a JWT', 'not-a-jwt'],
        ['two proofs', `${await dpopProof(key, { htu: tokenUrl, nonce: n })}, ${await dpopProof(key, { htu: tokenUrl, nonce: n })}`],
      ];
      const offer = await offerFor();
      for (const [name, p] of cases) {
        const res = await tokenCall(offer, p);
        assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
        assert.equal(oauthError(res), 'invalid_dpop_proof', name);
      }
      // A nonce we never gave out: use_dpop_nonce with a fresh one.
      const bad = await tokenCall(offer, await dpopProof(key, { htu: tokenUrl, nonce: 'made-up' }));
      assert.equal(oauthError(bad), 'use_dpop_nonce');
      assert.ok(bad.headers['dpop-nonce']);
      // The code is still good.
      assert.equal((await tokenCall(offer, await dpopProof(key, { htu: tokenUrl, nonce: n }))).statusCode, 200);
    });

    it('at the credential endpoint: a bound token refuses Bearer, a missing proof, a wrong ath, htu or key, a replay, a stale nonce (401 + WWW-Authenticate: DPoP)', async () => {
      const { token, key } = await boundToken();
      const n = await serverNonce();
      const good = (o: Partial<Parameters<typeof dpopProof>[1]> = {}, k = key) =>
        dpopProof(k, { htu: credentialUrl, nonce: n, accessToken: token, ...o });
      const replayed = await good();
      const cases: [string, string, string | undefined, string][] = [
        ['as Bearer', `Bearer ${token}`, await good(), 'invalid_dpop_proof'],
        ['no proof', `DPoP ${token}`, undefined, 'invalid_dpop_proof'],
        ['wrong ath', `DPoP ${token}`, await good({ accessToken: 'another-token' }), 'invalid_dpop_proof'],
        ['no ath', `DPoP ${token}`, await dpopProof(key, { htu: credentialUrl, nonce: n }), 'invalid_dpop_proof'],
        ['wrong htu', `DPoP ${token}`, await good({ htu: tokenUrl }), 'invalid_dpop_proof'],
        ['another key', `DPoP ${token}`, await good({}, holderKey()), 'invalid_dpop_proof'],
        ['no nonce', `DPoP ${token}`, await dpopProof(key, { htu: credentialUrl, accessToken: token }), 'use_dpop_nonce'],
      ];
      for (const [name, authorization, p, code] of cases) {
        const res = await credentialCall(authorization, await body(), p);
        assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
        assert.equal(oauthError(res), code, name);
        assert.match(res.headers['www-authenticate'] as string, new RegExp(`^DPoP error="${code}"`), name);
        if (code === 'use_dpop_nonce') assert.ok(res.headers['dpop-nonce'], name);
      }
      // A token outside RFC 6750's b64token form is refused before any proof is read (its ath is
      // computed over that form only), even with a proof whose ath covers exactly what was sent.
      for (const bad of [`${token}@`, `${token}\u00e9`]) {
        const res = await credentialCall(`DPoP ${bad}`, await body(), await good({ accessToken: bad }));
        assert.equal(res.statusCode, 400, `${bad}: ${res.body}`);
        assert.equal(oauthError(res), 'invalid_request', bad);
      }
      // The token is still usable with a good proof; the same proof again is a replay.
      assert.equal((await credentialCall(`DPoP ${token}`, await body(), replayed)).statusCode, 200);
      const again = await credentialCall(`DPoP ${token}`, await body(), replayed);
      assert.equal(again.statusCode, 401);
    });

    it('a nonce past its lifetime is refused with use_dpop_nonce and a new one', async () => {
      const { token, key } = await boundToken();
      const n = await serverNonce();
      t.clock.advance((t.config.dpopNonceTtlSeconds + 1) * 1000);
      const res = await credentialCall(
        `DPoP ${token}`,
        await body(),
        await dpopProof(key, { htu: credentialUrl, nonce: n, accessToken: token, iat: Math.floor(t.clock.now() / 1000) }),
      );
      // Either the token expired with the clock (invalid_token) or, within its life, the nonce is refused.
      assert.equal(res.statusCode, 401);
      assert.ok(['use_dpop_nonce', 'invalid_token'].includes(oauthError(res)), res.body);
    });

    it('a Bearer token is refused under the DPoP scheme; DPOP_REQUIRED names driver-license, so its token needs DPoP while others do not', async () => {
      const plain = await tokenCall(await offerFor());
      assert.equal(plain.statusCode, 200);
      assert.equal(plain.json().token_type, 'Bearer');
      const res = await credentialCall(`DPoP ${plain.json().access_token}`, await body());
      assert.equal(res.statusCode, 401);
      assert.equal(oauthError(res), 'invalid_token');

      const licence = await offerFor('driver-license');
      const refused = await tokenCall(licence);
      assert.equal(refused.statusCode, 400);
      assert.equal(oauthError(refused), 'invalid_dpop_proof');
      const { token, key } = await boundToken('driver-license');
      const ok = await credentialCall(
        `DPoP ${token}`,
        await body('driver-license'),
        await dpopProof(key, { htu: credentialUrl, nonce: await serverNonce(), accessToken: token }),
      );
      assert.equal(ok.statusCode, 200, ok.body);
    });
  });
}
