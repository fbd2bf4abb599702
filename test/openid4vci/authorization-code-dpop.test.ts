/**
 * Sender constraints in the Authorization Code Flow (issue 18 follow-ups), on real HTTP with a real
 * OpenID provider (oidc-provider) and claims source: the authorization_code grant binds its
 * access token to the DPoP key of the token request (token_type DPoP, cnf.jkt) and DPOP_REQUIRED
 * applies to it as to the pre-authorized grant; the PAR endpoint refuses a missing or failed wallet
 * attestation with invalid_client (401, RFC 6749 §5.2; attest_jwt_client_auth §7.4). Both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { holderKey, nonce, proof } from './vci-helpers.js';
import { dpopProof } from './dpop-helpers.js';
import { attestationHeaders, providersFile, walletProvider } from './attestation-helpers.js';
import {
  dpopNonce,
  loginForCode,
  pkceParFields,
  postForm,
  startAuthorizationCodeWorld,
  WALLET_REDIRECT,
  type AuthorizationCodeWorld,
} from './authorization-code-helpers.js';

const CLIENT_ID = 'https://wallet.example/dproof-test';
const trusted = walletProvider('Trusted Wallet Co.');
const stranger = walletProvider('Unknown Wallet Inc.');

for (const backend of storeTargets()) {
  describe(`DPoP and wallet attestation in the authorization code flow on ${backend}`, () => {
    let t: TestApp;
    let world: AuthorizationCodeWorld;

    beforeAll(async () => {
      world = await startAuthorizationCodeWorld(backend, {
        DPOP_REQUIRED: 'driver-license',
        TRUSTED_WALLET_PROVIDERS: providersFile([trusted]),
        WALLET_ATTESTATION_REQUIRED: 'resident-id',
      });
      ({ t } = world);
    });
    afterAll(async () => {
      await world?.close();
    });

    const url = (path: string) => `${t.config.publicUrl}${path}`;
    const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(t, path, fields, headers);
    const serverNonce = () => dpopNonce(t);
    const oauthError = (res: { json(): unknown }) => (res.json() as { error: string }).error;
    const parFields = (configuration: string, verifier: string) => pkceParFields(CLIENT_ID, verifier, { scope: configuration });
    const attested = (provider = trusted, sub = CLIENT_ID) => attestationHeaders(provider, sub, t.config.publicUrl);

    /** PAR (with `headers`) → authorization endpoint → the login → the code at the wallet's redirect_uri. */
    const login = (configuration: string, headers: Record<string, string> = {}) =>
      loginForCode(world, configuration, { clientId: CLIENT_ID, request: { scope: configuration }, headers });

    it('binds the authorization_code token to the DPoP key (token_type DPoP, cnf.jkt) and refuses it without a proof where DPOP_REQUIRED names the configuration', async () => {
      const { code, verifier } = await login('driver-license');
      const grant = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: WALLET_REDIRECT,
        client_id: CLIENT_ID,
      };

      // DPOP_REQUIRED: no proof, no token; the code stays redeemable.
      const bare = await post('/oauth/token', grant);
      assert.equal(bare.statusCode, 400, bare.body);
      assert.equal(oauthError(bare), 'invalid_dpop_proof');
      const key = holderKey();
      const noNonce = await post('/oauth/token', grant, { dpop: await dpopProof(key, { htu: url('/oauth/token') }) });
      assert.equal(noNonce.statusCode, 400, noNonce.body);
      assert.equal(oauthError(noNonce), 'use_dpop_nonce');
      const given = noNonce.headers['dpop-nonce'] as string;
      const wrongHtu = await post('/oauth/token', grant, { dpop: await dpopProof(key, { htu: url('/oauth/par'), nonce: given }) });
      assert.equal(oauthError(wrongHtu), 'invalid_dpop_proof');

      const res = await post('/oauth/token', grant, { dpop: await dpopProof(key, { htu: url('/oauth/token'), nonce: given }) });
      assert.equal(res.statusCode, 200, res.body);
      const { access_token: token, token_type } = res.json() as { access_token: string; token_type: string };
      assert.equal(token_type, 'DPoP');
      assert.ok(res.headers['dpop-nonce']);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('dpop_jkt')
        .where('token_hash', '=', hashSecret(token))
        .executeTakeFirst();
      assert.equal(row?.dpop_jkt, await calculateJwkThumbprint(key.jwk));

      // The credential endpoint: as Bearer refused (401, DPoP challenge); with a proof by the key, issued.
      const body = async () =>
        JSON.stringify({
          credential_configuration_id: 'driver-license',
          proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
        });
      const asBearer = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: await body(),
      });
      assert.equal(asBearer.statusCode, 401, asBearer.body);
      assert.equal(oauthError(asBearer), 'invalid_dpop_proof');
      assert.match(asBearer.headers['www-authenticate'] as string, /^DPoP error="invalid_dpop_proof"/);
      const issued = await t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: {
          'content-type': 'application/json',
          authorization: `DPoP ${token}`,
          dpop: await dpopProof(key, { htu: url('/openid4vci/credential'), nonce: await serverNonce(), accessToken: token }),
        },
        payload: await body(),
      });
      assert.equal(issued.statusCode, 200, issued.body);
      assert.equal((issued.json() as { credentials: unknown[] }).credentials.length, 1);
    });

    it('PAR refuses a missing, untrusted or mismatched wallet attestation with invalid_client (401) where required, and takes a trusted one', async () => {
      const verifier = randomBytes(32).toString('base64url');
      const fields = parFields('resident-id', verifier);
      const cases: [string, Record<string, string>][] = [
        ['missing', {}],
        ['untrusted provider', await attested(stranger)],
        ['sub is not client_id', await attested(trusted, 'https://other.example/wallet')],
        ['PoP only', { 'oauth-client-attestation-pop': (await attested())['oauth-client-attestation-pop'] }],
      ];
      for (const [name, headers] of cases) {
        const res = await post('/oauth/par', fields, headers);
        assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
        assert.equal(oauthError(res), 'invalid_client', name);
        assert.equal(res.headers['content-type']?.toString().startsWith('application/json'), true, name);
      }
      // A configuration that does not require it: PAR without attestation is fine.
      assert.equal((await post('/oauth/par', parFields('driver-license', verifier))).statusCode, 201);
      const ok = await post('/oauth/par', fields, await attested());
      assert.equal(ok.statusCode, 201, ok.body);
    });

    it('the token endpoint asks the authorization_code grant for the wallet attestation too (WALLET_ATTESTATION_REQUIRED): invalid_client without it, the code stays redeemable', async () => {
      const { code, verifier } = await login('resident-id', await attested());
      // Without client_id in the form: the attestation alone says who the client is.
      const grant = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: WALLET_REDIRECT };
      const tokens = () => t.runtime.store.db.selectFrom('vci_access_tokens').select('token_hash').execute();
      const before = (await tokens()).length;
      const bare = await post('/oauth/token', grant);
      assert.equal(bare.statusCode, 401, bare.body);
      assert.equal(oauthError(bare), 'invalid_client');
      const untrusted = await post('/oauth/token', grant, await attested(stranger));
      assert.equal(oauthError(untrusted), 'invalid_client');
      // An attestation of another client than the one the code was issued to.
      const other = await post('/oauth/token', grant, await attested(trusted, 'https://other.example/wallet'));
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(oauthError(other), 'invalid_grant');
      assert.equal((await tokens()).length, before, 'nothing stored by a refusal');

      const ok = await post('/oauth/token', grant, await attested());
      assert.equal(ok.statusCode, 200, ok.body);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('wallet_client')
        .where('token_hash', '=', hashSecret((ok.json() as { access_token: string }).access_token))
        .executeTakeFirst();
      assert.equal(row?.wallet_client, CLIENT_ID);
    });

    it('binds the code to the DPoP key of the PAR request, by dpop_jkt or a DPoP proof (RFC 9449 §10.1): no proof, another key, or a mismatch is refused', async () => {
      const key = holderKey();
      const jkt = await calculateJwkThumbprint(key.jwk, 'sha256');
      const grantOf = (code: string, verifier: string) => ({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: WALLET_REDIRECT,
        client_id: CLIENT_ID,
      });
      const tokenWith = async (grant: Record<string, string>, k?: typeof key) =>
        post('/oauth/token', grant, k ? { dpop: await dpopProof(k, { htu: url('/oauth/token'), nonce: await serverNonce() }) } : {});

      // By a DPoP proof on the PAR request (with the server's nonce, as at the token endpoint).
      const parProof = await dpopProof(key, { htu: url('/oauth/par'), nonce: await serverNonce() });
      const byProof = await loginForCode(world, 'national-tax-payment', {
        clientId: CLIENT_ID,
        request: { scope: 'national-tax-payment' },
        headers: { dpop: parProof },
      });
      const grant = grantOf(byProof.code, byProof.verifier);
      const bare = await tokenWith(grant);
      assert.equal(bare.statusCode, 400, bare.body);
      assert.equal(oauthError(bare), 'invalid_dpop_proof');
      const other = await tokenWith(grant, holderKey());
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(oauthError(other), 'invalid_grant');
      const ok = await tokenWith(grant, key);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((ok.json() as { token_type: string }).token_type, 'DPoP');

      // By the dpop_jkt parameter alone.
      const byParam = await loginForCode(world, 'national-tax-payment', {
        clientId: CLIENT_ID,
        request: { scope: 'national-tax-payment', dpop_jkt: jkt },
      });
      const paramGrant = grantOf(byParam.code, byParam.verifier);
      assert.equal(oauthError(await tokenWith(paramGrant, holderKey())), 'invalid_grant');
      assert.equal((await tokenWith(paramGrant, key)).statusCode, 200);

      // Both, disagreeing: the PAR request is refused; a dpop_jkt that is no thumbprint too.
      const verifier = randomBytes(32).toString('base64url');
      const mismatch = await post('/oauth/par', pkceParFields(CLIENT_ID, verifier, { scope: 'national-tax-payment', dpop_jkt: jkt }), {
        dpop: await dpopProof(holderKey(), { htu: url('/oauth/par'), nonce: await serverNonce() }),
      });
      assert.equal(mismatch.statusCode, 400, mismatch.body);
      assert.equal(oauthError(mismatch), 'invalid_dpop_proof');
      const malformed = await post(
        '/oauth/par',
        pkceParFields(CLIENT_ID, verifier, { scope: 'national-tax-payment', dpop_jkt: 'not-a-thumbprint' }),
      );
      assert.equal(malformed.statusCode, 400, malformed.body);
      assert.equal(oauthError(malformed), 'invalid_request');
    });
  });
}
