/**
 * Refresh tokens (RFC 6749 §6, OpenID4VCI §6, HAIP: recommended) with REFRESH_TOKEN_TTL_SECONDS:
 * issued with the access token by both grants, single use with rotation, a reused refresh token
 * revokes its grant (RFC 9700 §4.14.2), DPoP-bound to the key of the access token (RFC 9449 §5),
 * tied to the attested wallet client; a refresh covers what is not yet issued (the Authorization
 * Code Flow's sealed claims follow the new token); a reused authorization code revokes the tokens
 * issued from it (RFC 6749 §4.1.2). Real HTTP (inject), a real OpenID provider, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { hashSecret } from '../../src/issuance/vci-secrets.js';
import { purgeExpiredState } from '../../src/purge-expired-state.js';
import { codeOf, holderKey, makeOffer, nonce, proof, PRE_AUTH, type HolderKey } from './vci-helpers.js';
import { dpopProof } from './dpop-helpers.js';
import { attestationHeaders, providersFile, walletProvider } from './attestation-helpers.js';
import {
  dpopNonce,
  loginForCode,
  postForm,
  startAuthorizationCodeWorld,
  WALLET_REDIRECT,
  type AuthorizationCodeWorld,
} from './authorization-code-helpers.js';

const CLIENT_ID = 'https://wallet.example/dproof-test';
const provider = walletProvider('Refresh Wallet Provider');

interface Tokens {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  authorization_details?: { credential_identifiers: string[] }[];
}

for (const backend of storeTargets()) {
  describe(`refresh tokens on ${backend}`, () => {
    let world: AuthorizationCodeWorld;
    let t: TestApp;
    beforeAll(async () => {
      world = await startAuthorizationCodeWorld(backend, {
        REFRESH_TOKEN_TTL_SECONDS: '3600',
        TRUSTED_WALLET_PROVIDERS: providersFile([provider]),
        WALLET_ATTESTATION_REQUIRED: 'resident-id',
      });
      t = world.t;
    });
    afterAll(async () => {
      await world?.close();
    });

    const url = (path: string) => `${t.config.publicUrl}${path}`;
    const token = (fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(t, '/oauth/token', fields, headers);
    const refresh = (refreshToken: string, headers: Record<string, string> = {}) =>
      token({ grant_type: 'refresh_token', refresh_token: refreshToken }, headers);
    const serverNonce = () => dpopNonce(t);
    const dpop = async (key: HolderKey) => ({ dpop: await dpopProof(key, { htu: url('/oauth/token'), nonce: await serverNonce() }) });
    const attested = (sub = CLIENT_ID, instance?: HolderKey) => attestationHeaders(provider, sub, t.config.publicUrl, instance);
    const error = (res: { json(): unknown }) => (res.json() as { error: string }).error;
    const preAuthorized = async (type = 'driver-license', headers: Record<string, string> = {}) => {
      const offer = await makeOffer(t, world.issuerKey, { type, claims: t.runtime.catalog.get(type)!.example });
      const code = await codeOf(t, offer);
      const res = await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code }, headers);
      assert.equal(res.statusCode, 200, res.body);
      return { offer, code, tokens: res.json() as Tokens };
    };
    const credential = async (accessToken: string, configuration = 'driver-license', key?: HolderKey) =>
      t.app.inject({
        method: 'POST',
        url: '/openid4vci/credential',
        headers: {
          'content-type': 'application/json',
          authorization: `${key ? 'DPoP' : 'Bearer'} ${accessToken}`,
          ...(key && {
            dpop: await dpopProof(key, { htu: url('/openid4vci/credential'), nonce: await serverNonce(), accessToken }),
          }),
        },
        payload: {
          credential_configuration_id: configuration,
          proofs: { jwt: [await proof(holderKey(), { aud: t.config.publicUrl, nonce: await nonce(t) })] },
        },
      });

    it('says refresh_token in grant_types_supported', async () => {
      const m = (await t.app.inject({ url: '/.well-known/oauth-authorization-server' })).json() as { grant_types_supported: string[] };
      assert.ok(m.grant_types_supported.includes('refresh_token'), JSON.stringify(m.grant_types_supported));
    });

    it('rotates: a refresh gives a new access and refresh token, the old access token is retired, the new one issues; nothing left, no refresh', async () => {
      const { tokens } = await preAuthorized();
      assert.ok(tokens.refresh_token);
      const stored = await t.runtime.store.refreshTokens.byHash(hashSecret(tokens.refresh_token));
      assert.ok(stored, 'only its hash is stored');
      const next = await refresh(tokens.refresh_token);
      assert.equal(next.statusCode, 200, next.body);
      assert.equal(next.headers['cache-control'], 'no-store');
      const rotated = next.json() as Tokens;
      assert.equal(rotated.token_type, 'Bearer');
      assert.ok(rotated.refresh_token && rotated.refresh_token !== tokens.refresh_token);
      const old = await credential(tokens.access_token);
      assert.equal(old.statusCode, 401, old.body);
      assert.equal(error(old), 'invalid_token');
      const issued = await credential(rotated.access_token);
      assert.equal(issued.statusCode, 200, issued.body);
      // Everything issued: a refresh has nothing to cover.
      const after = await refresh(rotated.refresh_token);
      assert.equal(after.statusCode, 400, after.body);
      assert.equal(error(after), 'invalid_grant');
      assert.match((after.json() as { error_description: string }).error_description, /already issued/);
    });

    it('a refresh token used twice revokes the grant: the reuse, the newest refresh token and the newest access token are all refused', async () => {
      const { tokens } = await preAuthorized();
      const first = (await refresh(tokens.refresh_token!)).json() as Tokens;
      const reuse = await refresh(tokens.refresh_token!);
      assert.equal(reuse.statusCode, 400, reuse.body);
      assert.equal(error(reuse), 'invalid_grant');
      assert.match((reuse.json() as { error_description: string }).error_description, /revoked/);
      const newest = await refresh(first.refresh_token!);
      assert.equal(error(newest), 'invalid_grant');
      const access = await credential(first.access_token);
      assert.equal(access.statusCode, 401, access.body);
      assert.equal(error(access), 'invalid_token');
    });

    it('one refresh token sent by many requests at once: one rotation, the grant revoked, each refusal naming reuse or revocation, none "already issued"', async () => {
      const { tokens } = await preAuthorized();
      const answers = await Promise.all(Array.from({ length: 12 }, () => refresh(tokens.refresh_token!)));
      const won = answers.filter((r) => r.statusCode === 200);
      assert.equal(won.length, 1, answers.map((r) => r.body).join('\n'));
      for (const r of answers.filter((x) => x.statusCode !== 200)) {
        assert.equal(error(r), 'invalid_grant', r.body);
        assert.match((r.json() as { error_description: string }).error_description, /already used|revoked/, r.body);
      }
      // The reuse revoked the grant: the winner's pair is refused too.
      const access = await credential((won[0]!.json() as Tokens).access_token);
      assert.equal(access.statusCode, 401, access.body);
    });

    it('a refresh racing a credential request on the old access token: never both answered, the credential or the new pair', async () => {
      for (let round = 0; round < 12; round++) {
        const { tokens } = await preAuthorized();
        const [issued, refreshed] = await Promise.all([credential(tokens.access_token), refresh(tokens.refresh_token!)]);
        assert.ok(!(issued.statusCode === 200 && refreshed.statusCode === 200), `round ${round}: ${issued.body} / ${refreshed.body}`);
        // The loser says why: the credential request that a refresh overtook has an unknown token.
        if (refreshed.statusCode === 200) assert.match(issued.body, /unknown or expired/, `round ${round}`);
        if (refreshed.statusCode === 200) {
          const again = await credential((refreshed.json() as Tokens).access_token);
          assert.equal(again.statusCode, 200, `round ${round}: the new pair issues: ${again.body}`);
        }
      }
    });

    it('bad refresh requests: missing, repeated or unknown refresh_token, scope (invalid_request / invalid_grant), and nothing changes', async () => {
      const { tokens } = await preAuthorized();
      const missing = await token({ grant_type: 'refresh_token' });
      assert.equal(missing.statusCode, 400);
      assert.equal(error(missing), 'invalid_request');
      const twice = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=refresh_token&refresh_token=${tokens.refresh_token}&refresh_token=x`,
      });
      assert.equal(error(twice), 'invalid_request');
      const scoped = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, scope: 'resident-id' });
      assert.equal(error(scoped), 'invalid_request');
      const unknown = await refresh(randomBytes(32).toString('base64url'));
      assert.equal(unknown.statusCode, 400);
      assert.equal(error(unknown), 'invalid_grant');
      // None of them used the token up.
      assert.equal((await t.runtime.store.refreshTokens.byHash(hashSecret(tokens.refresh_token!)))?.used_at, null);
      assert.equal((await refresh(tokens.refresh_token!)).statusCode, 200);
    });

    it('DPoP-bound: the refresh token is bound to the access token key; without a proof invalid_dpop_proof, by another key invalid_grant, by the key a DPoP pair', async () => {
      const key = holderKey();
      const { tokens } = await preAuthorized('driver-license', await dpop(key));
      assert.equal(tokens.token_type, 'DPoP');
      const jkt = await calculateJwkThumbprint(key.jwk);
      assert.equal((await t.runtime.store.refreshTokens.byHash(hashSecret(tokens.refresh_token!)))?.dpop_jkt, jkt);
      const bare = await refresh(tokens.refresh_token!);
      assert.equal(bare.statusCode, 400, bare.body);
      assert.equal(error(bare), 'invalid_dpop_proof');
      const other = await refresh(tokens.refresh_token!, await dpop(holderKey()));
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(error(other), 'invalid_grant');
      const ok = await refresh(tokens.refresh_token!, await dpop(key));
      assert.equal(ok.statusCode, 200, ok.body);
      const rotated = ok.json() as Tokens;
      assert.equal(rotated.token_type, 'DPoP');
      assert.ok(ok.headers['dpop-nonce']);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('dpop_jkt')
        .where('token_hash', '=', hashSecret(rotated.access_token))
        .executeTakeFirst();
      assert.equal(row?.dpop_jkt, jkt);
      assert.equal((await t.runtime.store.refreshTokens.byHash(hashSecret(rotated.refresh_token!)))?.dpop_jkt, jkt);
      assert.equal((await credential(rotated.access_token, 'driver-license', key)).statusCode, 200);
    });

    it('an attested grant refreshes only with an attestation of the same wallet client and instance (invalid_client, invalid_grant)', async () => {
      const instance = holderKey();
      const { tokens } = await preAuthorized('resident-id', await attested(CLIENT_ID, instance));
      const bare = await refresh(tokens.refresh_token!);
      assert.equal(bare.statusCode, 401, bare.body);
      assert.equal(error(bare), 'invalid_client');
      const other = await refresh(tokens.refresh_token!, await attested('https://other.example/wallet', instance));
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(error(other), 'invalid_grant');
      // Attestation-based client auth §9.3: another copy of the same wallet app (its own instance key) is not the client it was issued to.
      const otherInstance = await refresh(tokens.refresh_token!, await attested());
      assert.equal(otherInstance.statusCode, 400, otherInstance.body);
      assert.equal(error(otherInstance), 'invalid_grant');
      const ok = await refresh(tokens.refresh_token!, await attested(CLIENT_ID, instance));
      assert.equal(ok.statusCode, 200, ok.body);
      // The rotated refresh token keeps the instance binding.
      const next = (ok.json() as Tokens).refresh_token!;
      assert.equal((await refresh(next, await attested())).statusCode, 400);
      const again = await refresh(next, await attested(CLIENT_ID, instance));
      assert.equal(again.statusCode, 200, again.body);
      assert.equal((await credential((again.json() as Tokens).access_token, 'resident-id')).statusCode, 200);
    });

    /** PAR → login → the code, as the authorization_code grant's fields. */
    async function authorizationCode() {
      const { code, verifier } = await loginForCode(world, 'driver-license', {
        clientId: 'test-wallet',
        request: { authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'driver-license' }]) },
      });
      return { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: WALLET_REDIRECT };
    }

    it('authorization code: the refresh answers with authorization_details again, and the sealed claims follow the new access token', async () => {
      const res = await token(await authorizationCode());
      assert.equal(res.statusCode, 200, res.body);
      const tokens = res.json() as Tokens;
      assert.ok(tokens.refresh_token);
      const stored = await t.runtime.store.refreshTokens.byHash(hashSecret(tokens.refresh_token));
      assert.ok(stored?.claims?.startsWith('sealed1.'), 'the claims are sealed under the refresh token too');
      // RFC 6749 §6: a client_id that names another client than the code's is refused, and spends nothing.
      const other = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'evil-wallet' });
      assert.equal(other.statusCode, 400, other.body);
      assert.equal(error(other), 'invalid_grant');
      const next = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'test-wallet' });
      assert.equal(next.statusCode, 200, next.body);
      const rotated = next.json() as Tokens;
      assert.deepEqual(
        rotated.authorization_details?.[0]?.credential_identifiers,
        tokens.authorization_details?.[0]?.credential_identifiers,
      );
      const issued = await credential(rotated.access_token);
      assert.equal(issued.statusCode, 200, issued.body);
    });

    it('a reused authorization code revokes the access and refresh tokens issued from it (RFC 6749 §4.1.2)', async () => {
      const grant = await authorizationCode();
      const tokens = (await token(grant)).json() as Tokens;
      const again = await token(grant);
      assert.equal(again.statusCode, 400, again.body);
      assert.equal(error(again), 'invalid_grant');
      const access = await credential(tokens.access_token);
      assert.equal(access.statusCode, 401, access.body);
      assert.equal(error(access), 'invalid_token');
      assert.equal(error(await refresh(tokens.refresh_token!)), 'invalid_grant');
    });

    it('a used pre-authorized code sent as an authorization code is refused and revokes nothing', async () => {
      const { code, tokens } = await preAuthorized();
      const res = await token({ grant_type: 'authorization_code', code, code_verifier: 'v'.repeat(43), redirect_uri: WALLET_REDIRECT });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(error(res), 'invalid_grant');
      assert.equal((await refresh(tokens.refresh_token!)).statusCode, 200);
    });

    // Last: it moves the app's clock past every token's lifetime.
    it('an expired refresh token is refused (invalid_grant)', async () => {
      const { tokens } = await preAuthorized();
      t.clock.advance(3601 * 1000);
      const late = await refresh(tokens.refresh_token!);
      assert.equal(late.statusCode, 400, late.body);
      assert.equal(error(late), 'invalid_grant');
    });

    it('the purge timer deletes expired refresh tokens, not only offer and nonce creation', async () => {
      const { tokens } = await preAuthorized();
      const row = () =>
        t.runtime.store.db
          .selectFrom('vci_refresh_tokens')
          .select('expires_at')
          .where('token_hash', '=', hashSecret(tokens.refresh_token!))
          .executeTakeFirst();
      const stored = await row();
      assert.ok(stored);
      await purgeExpiredState(t.runtime.store, stored.expires_at);
      assert.equal(await row(), undefined);
    });
  });
}
