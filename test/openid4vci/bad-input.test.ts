import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { cNonceKey, mintCNonce } from '../../src/issuance/c-nonce.js';
import { operatorSealKey } from '../../src/keys/operator-seal-key.js';
import {
  accessToken,
  codeOf,
  credentialRequest,
  holderKey,
  makeOffer,
  nonce,
  PRE_AUTH,
  proof,
  tokenRequest,
  fetchOffer,
  type Offer,
  expireOffer,
} from './vci-helpers.js';

const oauth = (res: { statusCode: number; json(): unknown }, status: number, error: string, extensions?: Record<string, unknown>) => {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.error, error);
  // Which failure it was (our extension members), so a wallet can say it in words.
  if (extensions) for (const [k, v] of Object.entries(extensions)) assert.equal(body[k], v, `${k} in ${JSON.stringify(body)}`);
};

for (const backend of storeTargets()) {
  describe(`OpenID4VCI refusals on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let aud: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, env: { RATE_LIMIT_PER_MINUTE: '0', BATCH_SIZE: '2' } });
      issuerKey = await t.apiKey('issuer');
      aud = t.config.publicUrl;
    });
    afterAll(() => t.close());

    const offer = (extra: Record<string, unknown> = {}) => {
      const type = t.runtime.catalog.get('resident-id');
      return makeOffer(t, issuerKey, { type: 'resident-id', claims: type?.example, ...extra });
    };
    const issued = () => t.runtime.store.credentials.count();
    const oneProof = async (o: Partial<Parameters<typeof proof>[1]> = {}) => [
      await proof(holderKey(), { aud, nonce: await nonce(t), ...o }),
    ];
    const ask = (token: string | undefined, jwt: string[], id = 'resident-id') =>
      credentialRequest(t, token, { credential_configuration_id: id, proofs: { jwt } });

    it('refuses an offer with claims that break the type schema, at offer time (problem+json)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { authorization: `Bearer ${issuerKey}` },
        payload: { type: 'resident-id', claims: { family_name: 1 } },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'invalid_claims');
    });

    it('refuses a reused pre-authorized code with invalid_grant', async () => {
      const o = await offer();
      const code = await codeOf(t, o);
      assert.equal((await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code })).statusCode, 200);
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code }), 400, 'invalid_grant', { code_state: 'used' });
    });

    it('refuses an expired pre-authorized code with invalid_grant, and no longer serves an expired offer', async () => {
      const o = await offer();
      const code = await codeOf(t, o);
      await expireOffer(t, o);
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code }), 400, 'invalid_grant', { code_state: 'expired' });
      oauth(await fetchOffer(t, o), 404, 'offer_not_found');
    });

    it('refuses client authentication it does not support (HTTP Basic, client_secret, client_assertion) with 401 invalid_client, and the code stays redeemable', async () => {
      const o = await offer();
      const code = await codeOf(t, o);
      const form = { grant_type: PRE_AUTH, 'pre-authorized_code': code };
      const basic = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('wallet:pw').toString('base64')}`,
        },
        payload: new URLSearchParams(form).toString(),
      });
      oauth(basic, 401, 'invalid_client');
      assert.match(String(basic.headers['www-authenticate']), /^Basic /);
      const extras: Record<string, string>[] = [
        { client_secret: 'x' },
        { client_assertion: 'a.b.c', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
      ];
      for (const extra of extras) oauth(await tokenRequest(t, { ...form, ...extra }), 401, 'invalid_client');
      assert.equal(
        (await tokenRequest(t, { ...form, client_secret: '' })).statusCode,
        200,
        'nothing was spent; an empty secret authenticates nothing',
      );
      // The pre-02 attestation assertion is ignored as it always was (attestation comes in its own headers).
      const second = await codeOf(t, await offer());
      const legacy = await tokenRequest(t, {
        grant_type: PRE_AUTH,
        'pre-authorized_code': second,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-client-attestation',
        client_assertion: 'a.b.c~d.e.f',
      });
      assert.equal(legacy.statusCode, 200, legacy.body);
    });

    it('refuses an unknown code, a wrong grant type, a missing code and a non-form body', async () => {
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': 'nope' }), 400, 'invalid_grant', {
        code_state: 'unknown',
      });
      oauth(await tokenRequest(t, { grant_type: 'authorization_code', code: 'x' }), 400, 'unsupported_grant_type');
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH }), 400, 'invalid_request');
      const json = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: PRE_AUTH, 'pre-authorized_code': 'x' },
      });
      oauth(json, 400, 'invalid_request');
      const twice = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=${encodeURIComponent(PRE_AUTH)}&pre-authorized_code=a&pre-authorized_code=b`,
      });
      oauth(twice, 400, 'invalid_request');
    });

    it('answers a missing or unexpected tx_code with invalid_request', async () => {
      const withTx = await offer({ tx_code: true });
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, withTx) }), 400, 'invalid_request');
      const without = await offer();
      oauth(
        await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, without), tx_code: '123456' }),
        400,
        'invalid_request',
      );
    });

    it('refuses a tx_code that cannot be one (not six ASCII digits) with invalid_request, counting no attempt', async () => {
      const o = await offer({ tx_code: true });
      const code = await codeOf(t, o);
      // A Korean IME's full-width digits (U+FF10–U+FF19) of the right code: compared as bytes, not a code.
      const fullWidth = [...(o.tx_code ?? '')].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
      for (const slip of ['', 'abc', '12345', '1234567', '12345a', '١٢٣٤٥٦', ' 123456', fullWidth])
        oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: slip }), 400, 'invalid_request');
      const nul = await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: '12345\u0000' });
      assert.equal(nul.statusCode, 400);
      // OAuth's own error (RFC 6749 §5.2) for our nul_character.
      assert.equal(nul.json<{ error: string }>().error, 'invalid_request');
      assert.match(nul.json<{ error_description: string }>().error_description, /NUL/);
      const row = await t.runtime.store.db.selectFrom('vci_offers').select('tx_attempts').where('id', '=', o.id).executeTakeFirstOrThrow();
      assert.equal(row.tx_attempts, 0, 'no attempt used up');
      assert.equal(
        (await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: o.tx_code ?? '' })).statusCode,
        200,
      );
    });

    it('accepts the right tx_code after 4 wrong ones, and burns the code after 5 wrong ones', async () => {
      const wrong = (tx: string) => (tx === '000000' ? '000001' : '000000');
      const a = await offer({ tx_code: true });
      const codeA = await codeOf(t, a);
      for (let i = 0; i < 4; i++)
        oauth(
          await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': codeA, tx_code: wrong(a.tx_code ?? '') }),
          400,
          'invalid_grant',
          { tx_code_attempts_left: 4 - i, code_state: undefined },
        );
      assert.equal(
        (await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': codeA, tx_code: a.tx_code ?? '' })).statusCode,
        200,
      );

      const b = await offer({ tx_code: true });
      const codeB = await codeOf(t, b);
      for (let i = 0; i < 5; i++)
        oauth(
          await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': codeB, tx_code: wrong(b.tx_code ?? '') }),
          400,
          'invalid_grant',
          { tx_code_attempts_left: 4 - i, code_state: i === 4 ? 'locked' : undefined },
        );
      // Burned: even the right code is refused now, and the claims have left the store.
      oauth(await tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': codeB, tx_code: b.tx_code ?? '' }), 400, 'invalid_grant', {
        code_state: 'locked',
      });
      const row = await t.runtime.store.db.selectFrom('vci_offers').selectAll().where('id', '=', b.id).executeTakeFirstOrThrow();
      assert.notEqual(row.burned_at, null);
      assert.equal(row.claims, null);
      assert.equal(row.tx_attempts, 5);
    });

    it('counts parallel tx_code guesses: at most 5 are ever compared', async () => {
      const o = await offer({ tx_code: true });
      const code = await codeOf(t, o);
      const guesses = Array.from({ length: 20 }, (_, i) => String(i).padStart(6, '0')).filter((g) => g !== o.tx_code);
      const answers = await Promise.all(
        guesses.map((g) => tokenRequest(t, { grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: g })),
      );
      assert.ok(answers.every((r) => r.statusCode === 400));
      const row = await t.runtime.store.db.selectFrom('vci_offers').select('tx_attempts').where('id', '=', o.id).executeTakeFirstOrThrow();
      assert.equal(row.tx_attempts, 5);
    });

    const proofCase = async (label: string, make: () => Promise<string[]>, error: string) => {
      const o = await offer();
      const token = await accessToken(t, o);
      const before = await issued();
      oauth(await ask(token, await make()), 400, error);
      assert.equal(await issued(), before, `${label}: nothing issued`);
      // The refusal changed nothing: the same token still works with a good proof.
      assert.equal((await ask(token, await oneProof())).statusCode, 200, label);
    };

    it('refuses proofs with wrong typ, aud or alg, a stale or future iat, a private or unsupported key (invalid_proof)', async () => {
      await proofCase('typ', () => oneProof({ typ: 'JWT' }), 'invalid_proof');
      await proofCase('aud', () => oneProof({ aud: 'https://other.example' }), 'invalid_proof');
      await proofCase('stale iat', () => oneProof({ iat: Math.floor(Date.now() / 1000) - 3600 }), 'invalid_proof');
      await proofCase('future iat', () => oneProof({ iat: Math.floor(Date.now() / 1000) + 3600 }), 'invalid_proof');
      await proofCase('no nonce', async () => [await proof(holderKey(), { aud })], 'invalid_proof');
      await proofCase(
        'alg none',
        async () => {
          const [p] = await oneProof();
          const [, body] = (p as string).split('.');
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'openid4vci-proof+jwt', jwk: holderKey().jwk })).toString(
            'base64url',
          );
          return [`${header}.${body}.`];
        },
        'invalid_proof',
      );
      await proofCase(
        'HS256',
        async () => {
          const { SignJWT } = await import('jose');
          return [
            await new SignJWT({ aud, iat: Math.floor(Date.now() / 1000), nonce: await nonce(t) })
              .setProtectedHeader({ alg: 'HS256', typ: 'openid4vci-proof+jwt', jwk: holderKey().jwk })
              .sign(new Uint8Array(32)),
          ];
        },
        'invalid_proof',
      );
      await proofCase(
        'alg mismatch',
        () =>
          oneProof({ alg: 'EdDSA' }).catch(async () => {
            const k = holderKey('Ed25519');
            const p = await proof(k, { aud, nonce: await nonce(t) });
            const [h, b, s] = p.split('.');
            const header = JSON.parse(Buffer.from(h as string, 'base64url').toString());
            return [`${Buffer.from(JSON.stringify({ ...header, alg: 'ES256' })).toString('base64url')}.${b}.${s}`];
          }),
        'invalid_proof',
      );
      await proofCase(
        'private jwk',
        async () => {
          const k = holderKey();
          const d = (await import('jose')).exportJWK(k.privateKey);
          return [await proof({ ...k, jwk: await d }, { aud, nonce: await nonce(t) })];
        },
        'invalid_proof',
      );
      await proofCase('kid and jwk', () => oneProof({ header: { kid: 'k1' } }), 'invalid_proof');
      await proofCase(
        'bad signature',
        async () => {
          const [p] = await oneProof();
          return [`${(p as string).slice(0, -4)}AAAA`];
        },
        'invalid_proof',
      );
      await proofCase(
        'same key twice',
        async () => {
          const k = holderKey();
          const c = await nonce(t);
          return [await proof(k, { aud, nonce: c }), await proof(k, { aud, nonce: c })];
        },
        'invalid_proof',
      );
      await proofCase('not a JWS', async () => ['not-a-jwt'], 'invalid_proof');
    });

    it('refuses an unknown or reused c_nonce with invalid_nonce and issues nothing', async () => {
      await proofCase('unknown nonce', async () => [await proof(holderKey(), { aud, nonce: 'made-up' })], 'invalid_nonce');
      const c = await nonce(t);
      const first = await offer();
      assert.equal((await ask(await accessToken(t, first), [await proof(holderKey(), { aud, nonce: c })])).statusCode, 200);
      await proofCase('reused nonce', async () => [await proof(holderKey(), { aud, nonce: c })], 'invalid_nonce');
      // One of ours that expired, and one whose expiry was moved later without the key (its tag no longer fits).
      const stale = mintCNonce(await cNonceKey(t.runtime), t.clock.now() - 1);
      await proofCase('expired nonce', async () => [await proof(holderKey(), { aud, nonce: stale })], 'invalid_nonce');
      const bytes = Buffer.from(await nonce(t), 'base64url');
      bytes.writeUIntBE(t.clock.now() + 86_400_000, 1, 6);
      await proofCase(
        'nonce with a forged expiry',
        async () => [await proof(holderKey(), { aud, nonce: bytes.toString('base64url') })],
        'invalid_nonce',
      );
      // The MAC key is a random secret of the deployment, not one derived from the operator's
      // passphrase (a c_nonce must not let anyone test guesses of it): a tag under that is refused.
      const underOperatorSecret = mintCNonce(operatorSealKey(t.config, 'openid4vci c_nonce hmac'), t.clock.now() + 60_000);
      await proofCase(
        'nonce under the operator secret',
        async () => [await proof(holderKey(), { aud, nonce: underOperatorSecret })],
        'invalid_nonce',
      );
    });

    it('refuses more proofs than batch_size, missing proofs and an unknown configuration', async () => {
      await proofCase(
        '3 proofs, batch 2',
        async () => [...(await oneProof()), ...(await oneProof()), ...(await oneProof())],
        'invalid_credential_request',
      );
      const o = await offer();
      const token = await accessToken(t, o);
      oauth(await credentialRequest(t, token, { credential_configuration_id: 'resident-id' }), 400, 'invalid_proof');
      oauth(
        await credentialRequest(t, token, { credential_configuration_id: 'resident-id', proofs: { di_vp: [{}] } }),
        400,
        'invalid_proof',
      );
      oauth(await ask(token, await oneProof(), 'no-such-type'), 400, 'unknown_credential_configuration');
      oauth(await ask(token, await oneProof(), 'driver-license'), 403, 'insufficient_scope');
      oauth(
        await credentialRequest(t, token, { credential_identifier: 'x', proofs: { jwt: await oneProof() } }),
        400,
        'invalid_credential_request',
      );
      oauth(await credentialRequest(t, token, [1, 2]), 400, 'invalid_credential_request');
      const notJson = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: '{"a":',
      });
      oauth(notJson, 400, 'invalid_credential_request');
      assert.equal((await ask(token, await oneProof())).statusCode, 200);
    });

    it('refuses an access token in the query string, a missing, unknown or expired token, and a used one', async () => {
      const o = await offer();
      const token = await accessToken(t, o);
      const inQuery = await credentialRequest(
        t,
        undefined,
        { credential_configuration_id: 'resident-id', proofs: { jwt: await oneProof() } },
        `/openid4vci/credential?access_token=${token}`,
      );
      oauth(inQuery, 400, 'invalid_request');
      const both = await credentialRequest(
        t,
        token,
        { credential_configuration_id: 'resident-id', proofs: { jwt: await oneProof() } },
        `/openid4vci/credential?access_token=${token}`,
      );
      oauth(both, 400, 'invalid_request');
      const missing = await ask(undefined, await oneProof());
      oauth(missing, 401, 'invalid_token');
      assert.match(String(missing.headers['www-authenticate']), /^Bearer/);
      oauth(await ask('unknown-token', await oneProof()), 401, 'invalid_token');
      assert.equal((await ask(token, await oneProof())).statusCode, 200);
      const before = await issued();
      oauth(await ask(token, await oneProof()), 401, 'invalid_token');
      assert.equal(await issued(), before);

      const late = await offer();
      const lateToken = await accessToken(t, late);
      await t.runtime.store.db
        .updateTable('vci_access_tokens')
        .set({ expires_at: Date.now() - 1 })
        .where('offer_id', '=', late.id)
        .execute();
      oauth(await ask(lateToken, await oneProof()), 401, 'invalid_token');
    });

    it('issues for one offer exactly once when two requests race with the same token', async () => {
      const o: Offer = await offer();
      const token = await accessToken(t, o);
      const before = await issued();
      const [a, b] = await Promise.all([ask(token, await oneProof()), ask(token, await oneProof())]);
      assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 401]);
      assert.equal(await issued(), before + 1);
    });

    it('serves nonces uncacheable, and offers only to issuer clients', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' });
      assert.equal(res.headers['cache-control'], 'no-store');
      const verifier = await t.apiKey('verifier');
      const r = await t.app.inject({
        method: 'POST',
        url: '/v1/offers',
        headers: { authorization: `Bearer ${verifier}` },
        payload: { type: 'resident-id', claims: {} },
      });
      assert.equal(r.statusCode, 403);
      assert.equal(r.json().code, 'wrong_role');
    });
  });
}
