/**
 * Wallet-initiated issuance, the Authorization Code Flow (issue 18), end to end on real HTTP: a
 * real OpenID provider (oidc-provider) where the citizen logs in, a claims source server that
 * checks our signed request, and the OpenWallet Foundation's @openid4vc client doing PAR + PKCE
 * + authorization_details against our authorization server; the credential is verified with
 * @sd-jwt/sd-jwt-vc. Refusals end with access_denied at the wallet and nothing issued; bad input
 * gets the RFC error codes. Both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import { NOT_URI_REDIRECTS } from '../issuance/not-uri-redirects.js';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Oauth2Client } from '@openid4vc/oauth2';
import { SignJWT, importJWK, decodeProtectedHeader, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import type { TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { makeOffer } from './vci-helpers.js';
import { owfCallbacks, owfWallet, walletKey } from './owf-wallet.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { CLI_WALLET_CLIENT_ID } from '../../src/wallet/authorize-credentials.js';
import {
  browse,
  s256,
  startAuthorizationCodeWorld,
  type AuthorizationCodeWorld,
  type TestClaimsSource,
  type TestIdp,
} from './authorization-code-helpers.js';

const WALLET_REDIRECT = 'http://127.0.0.1:9/wallet-callback';
const form = (t: TestApp, path: string, fields: Record<string, string>) =>
  fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

for (const backend of storeTargets()) {
  describe(`authorization code flow (PAR, PKCE, OpenID provider, claims source) on ${backend}`, () => {
    let t: TestApp;
    let idp: TestIdp;
    let source: TestClaimsSource;
    let issuerKey: string;
    let world: AuthorizationCodeWorld;
    const example = () => t.runtime.catalog.get('driver-license')!.example;

    // The wallets of these tests are registered (WALLET_CLIENTS): the CLI wallet's loopback
    // redirect is registered without its port, which it picks when it starts (RFC 8252 §7.3).
    const clientsDir = mkdtempSync(join(tmpdir(), 'dproof-wallet-clients-'));
    beforeAll(async () => {
      const clientsFile = join(clientsDir, 'wallet-clients.json');
      writeFileSync(
        clientsFile,
        JSON.stringify({
          clients: [
            { client_id: 'test-wallet', redirect_uris: [WALLET_REDIRECT] },
            { client_id: CLI_WALLET_CLIENT_ID, redirect_uris: ['http://127.0.0.1/callback'] },
            // The EUDI reference wallet's default: a private-use scheme that is no reverse domain name.
            { client_id: 'eudi-wallet', redirect_uris: ['eudi-openid4ci://authorize'] },
          ],
        }),
      );
      world = await startAuthorizationCodeWorld(backend, { WALLET_CLIENTS: clientsFile });
      ({ t, idp, source, issuerKey } = world);
    });
    afterAll(async () => {
      await world?.close();
      rmSync(clientsDir, { recursive: true, force: true });
    });

    /** PAR → authorization endpoint → the IdP login → back at the wallet's redirect_uri. */
    /** PAR (its fields overridden by `fields`; undefined leaves one out) → authorize → login → the code. */
    /** `atCallback`: rewrites the identity provider's answer on its way back to our callback. */
    async function login(o: { fields?: Record<string, string | undefined>; verifier?: string; atCallback?: (u: URL) => URL } = {}) {
      const verifier = o.verifier ?? randomBytes(32).toString('base64url');
      const fields: Record<string, string | undefined> = {
        client_id: 'test-wallet',
        response_type: 'code',
        redirect_uri: WALLET_REDIRECT,
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
        state: 'wallet-state-1',
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'driver-license' }]),
        ...o.fields,
      };
      const par = await form(
        t,
        '/oauth/par',
        Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)),
      );
      assert.equal(par.status, 201, await par.clone().text());
      const { request_uri } = (await par.json()) as { request_uri: string };
      const start = `${t.url}/oauth/authorize?${new URLSearchParams({ client_id: 'test-wallet', request_uri })}`;
      const jar = new Map<string, string>();
      const back = o.atCallback
        ? await browse(o.atCallback(await browse(start, `${t.url}/oauth/callback`, 12, jar)).toString(), WALLET_REDIRECT, 12, jar)
        : await browse(start, WALLET_REDIRECT, 12, jar);
      return { verifier, request_uri, back, code: back.searchParams.get('code') ?? '' };
    }

    it('an offer with issuer_state: the @openid4vc wallet does PAR + PKCE + authorization_details, the citizen logs in, the credential verifies', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const created = await makeOffer(t, issuerKey, { type: 'driver-license', grant: 'authorization_code' });
      const wallet = owfWallet();
      const offer = await wallet.resolveCredentialOffer(created.offer);
      const issuerState = offer.grants?.authorization_code?.issuer_state;
      assert.ok(issuerState);
      assert.equal(offer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code'], undefined);
      const metadata = await wallet.resolveIssuerMetadata(offer.credential_issuer);
      const as = metadata.authorizationServers[0]!;
      assert.equal(as.require_pushed_authorization_requests, true);
      assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(as.authorization_details_types_supported, ['openid_credential']);
      assert.equal(as.pushed_authorization_request_endpoint, `${t.url}/oauth/par`);
      assert.equal(metadata.credentialIssuer.credential_configurations_supported['driver-license']?.scope, 'driver-license');

      const started = await wallet.initiateAuthorization({
        clientId: 'test-wallet',
        issuerMetadata: metadata,
        credentialOffer: offer,
        redirectUri: WALLET_REDIRECT,
        additionalRequestPayload: {
          authorization_details: [{ type: 'openid_credential', credential_configuration_id: 'driver-license' }] as never,
        },
      });
      assert.ok('authorizationRequestUrl' in started && started.pkce);
      assert.match(started.authorizationRequestUrl, /request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A/);
      const back = await browse(started.authorizationRequestUrl, WALLET_REDIRECT);
      assert.equal(back.searchParams.get('iss'), t.url);
      const code = back.searchParams.get('code');
      assert.ok(code, back.toString());
      // The claims source was asked, with a signed request for the logged-in subject and the offer.
      const asked = source.requests.at(-1)!;
      assert.equal(asked.sub, 'citizen-7');
      assert.equal(asked.credential_configuration_id, 'driver-license');
      assert.equal(asked.offer_id, created.id);
      // No personal data in the store in clear: the claims are sealed.
      const row = await t.runtime.store.db
        .selectFrom('vci_offers')
        .select('claims')
        .where('configuration_id', '=', 'driver-license')
        .where('claims', 'is not', null)
        .execute();
      assert.ok(row.every((r) => r.claims!.startsWith('sealed1.') && !r.claims!.includes(String(example().family_name))));

      const { accessTokenResponse } = await wallet.retrieveAuthorizationCodeAccessTokenFromOffer({
        issuerMetadata: metadata,
        credentialOffer: offer,
        authorizationCode: code,
        pkceCodeVerifier: started.pkce.codeVerifier,
        redirectUri: WALLET_REDIRECT,
      });
      const details = accessTokenResponse.authorization_details as {
        credential_identifiers: string[];
        credential_configuration_id: string;
      }[];
      assert.equal(details[0]?.credential_configuration_id, 'driver-license');
      assert.equal(details[0]?.credential_identifiers.length, 1);

      const holder = walletKey();
      const { c_nonce } = await wallet.requestNonce({ issuerMetadata: metadata });
      const { jwt } = await wallet.createCredentialRequestJwtProof({
        issuerMetadata: metadata,
        credentialConfigurationId: 'driver-license',
        signer: { method: 'jwk', alg: 'ES256', publicJwk: holder.publicJwk },
        nonce: c_nonce,
      });
      const before = await t.runtime.store.credentials.count();
      const { credentialResponse } = await wallet.retrieveCredentials({
        issuerMetadata: metadata,
        accessToken: accessTokenResponse.access_token,
        credentialConfigurationId: 'driver-license',
        proofs: { jwt: [jwt] },
      });
      assert.equal(await t.runtime.store.credentials.count(), before + 1);
      const credential = (credentialResponse.credentials?.[0] as { credential: string }).credential;
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      const sdjwt = new SDJwtVcInstance({
        hasher: digest,
        verifier: async (data, sig) => {
          const { kid } = decodeProtectedHeader(`${data}.${sig}`);
          return (await ES256.getVerifier(jwks.keys.find((k) => k.kid === kid) as JWK))(data, sig);
        },
      });
      const { payload } = await sdjwt.verify(credential);
      assert.equal((payload as Record<string, unknown>).family_name, example().family_name);
      // Issued: the claims left the store.
      const left = await t.runtime.store.db.selectFrom('vci_offers').select('claims').where('claims', 'like', 'sealed1.%').execute();
      assert.equal(left.length, 0);

      // The offer's issuer_state is used up: a second PAR with it is refused.
      const again = await form(t, '/oauth/par', {
        client_id: 'test-wallet',
        response_type: 'code',
        redirect_uri: WALLET_REDIRECT,
        code_challenge: s256('x'.repeat(43)),
        code_challenge_method: 'S256',
        issuer_state: issuerState,
        scope: 'driver-license',
      });
      assert.equal(again.status, 400);
      assert.equal(((await again.json()) as { error: string }).error, 'invalid_request');
    });

    it('wallet-initiated (no offer): scope, the OAuth client library, credential_identifier-free request by configuration id', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const client = new Oauth2Client({ callbacks: owfCallbacks });
      const asMetadata = await client.fetchAuthorizationServerMetadata(t.url);
      assert.ok(asMetadata);
      const started = await client.initiateAuthorization({
        clientId: 'test-wallet',
        authorizationServerMetadata: asMetadata,
        redirectUri: WALLET_REDIRECT,
        scope: 'driver-license',
        resource: t.url,
        state: 'st-2',
      });
      const back = await browse(started.authorizationRequestUrl, WALLET_REDIRECT);
      assert.equal(back.searchParams.get('state'), 'st-2');
      assert.equal(source.requests.at(-1)?.offer_id, undefined);
      const { accessTokenResponse } = await client.retrieveAuthorizationCodeAccessToken({
        authorizationServerMetadata: asMetadata,
        authorizationCode: back.searchParams.get('code')!,
        pkceCodeVerifier: started.pkce!.codeVerifier,
        redirectUri: WALLET_REDIRECT,
        resource: t.url,
      });
      assert.equal(accessTokenResponse.scope, 'driver-license');
      const holder = walletKey();
      const nonce = ((await (await fetch(`${t.url}/openid4vci/nonce`, { method: 'POST' })).json()) as { c_nonce: string }).c_nonce;
      const proof = await new SignJWT({ aud: t.url, nonce })
        .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk })
        .setIssuedAt()
        .sign(await importJWK(holder.privateJwk, 'ES256'));
      const res = await fetch(`${t.url}/openid4vci/credential`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessTokenResponse.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ credential_configuration_id: 'driver-license', proofs: { jwt: [proof] } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
    });

    it('the CLI wallet: dproof wallet authorize runs PAR + PKCE, the login in a browser, a loopback redirect, and keeps the checked credential', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const dir = mkdtempSync(join(tmpdir(), 'dproof-authorize-'));
      const file = join(dir, 'wallet.json');
      const quiet = { write: () => true };
      try {
        assert.equal(await runCli(['wallet', 'init', '--file', file], { env: {}, stdout: quiet, stderr: quiet }), 0);
        let browsing: Promise<void> | undefined;
        let stdout = '';
        let stderr = '';
        const code = await runCli(['wallet', 'authorize', t.url, 'driver-license', '--file', file, '--json'], {
          env: {},
          stdout: { write: (s: string) => (stdout += s) },
          stderr: {
            write: (s: string) => {
              stderr += s;
              const m = /^(http\S+\/oauth\/authorize\?\S+)$/m.exec(s);
              // The holder's browser: log in, then land on the wallet's loopback address.
              if (m)
                browsing = browse(m[1]!, (u) => u.includes('/callback?') && !u.startsWith(t.url)).then(async (back) => {
                  await fetch(back);
                });
              return true;
            },
          },
        });
        await browsing;
        assert.equal(code, 0, stderr);
        const [received] = JSON.parse(stdout) as { configuration: string; format: string }[];
        assert.equal(received?.configuration, 'driver-license');
        const stored = JSON.parse(readFileSync(file, 'utf8')) as { credentials: { credential: string }[] };
        assert.equal(stored.credentials.length, 1);
        // The issuer takes DPoP, so the CLI wallet's token is DPoP-bound (RFC 9449 §5) and it asked with proofs.
        const latest = await t.runtime.store.db
          .selectFrom('vci_access_tokens')
          .select('dpop_jkt')
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
        assert.match(latest?.dpop_jkt ?? '', /^[A-Za-z0-9_-]{43}$/);

        // A refusal reaches the holder as a message, and nothing is kept.
        source.behaviour = 'deny';
        stderr = '';
        const refused = await runCli(['wallet', 'authorize', t.url, 'driver-license', '--file', file], {
          env: {},
          stdout: quiet,
          stderr: {
            write: (s: string) => {
              stderr += s;
              const m = /^(http\S+\/oauth\/authorize\?\S+)$/m.exec(s);
              if (m)
                browsing = browse(m[1]!, (u) => u.includes('/callback?') && !u.startsWith(t.url)).then(async (back) => {
                  await fetch(back);
                });
              return true;
            },
          },
        });
        await browsing;
        assert.notEqual(refused, 0);
        assert.match(stderr, /access_denied/);
        assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { credentials: unknown[] }).credentials.length, 1);
      } finally {
        source.behaviour = 'grant';
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('credential_identifier from the token response is accepted at the credential endpoint', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const { verifier, code } = await login();
      const tok = await form(t, '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: WALLET_REDIRECT,
      });
      assert.equal(tok.status, 200);
      const body = (await tok.json()) as { access_token: string; authorization_details: { credential_identifiers: string[] }[] };
      const holder = walletKey();
      const nonce = ((await (await fetch(`${t.url}/openid4vci/nonce`, { method: 'POST' })).json()) as { c_nonce: string }).c_nonce;
      const proof = await new SignJWT({ aud: t.url, nonce })
        .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk })
        .setIssuedAt()
        .sign(await importJWK(holder.privateJwk, 'ES256'));
      const credential = (id: string) =>
        fetch(`${t.url}/openid4vci/credential`, {
          method: 'POST',
          headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ credential_identifier: id, proofs: { jwt: [proof] } }),
        });
      const wrong = await credential('not-an-identifier');
      assert.equal(wrong.status, 400);
      assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_credential_request');
      const ok = await credential(body.authorization_details[0]!.credential_identifiers[0]!);
      assert.equal(ok.status, 200, await ok.clone().text());
    });

    it('a code redeemed by several requests at once gives one token, and that token is revoked (RFC 6749 §4.1.2)', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const { verifier, code } = await login();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          form(t, '/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: WALLET_REDIRECT }),
        ),
      );
      const won = answers.filter((r) => r.status === 200);
      assert.equal(won.length, 1);
      for (const r of answers.filter((x) => x.status !== 200)) assert.equal(((await r.json()) as { error: string }).error, 'invalid_grant');
      const { access_token } = (await won[0]!.json()) as { access_token: string };
      const res = await fetch(`${t.url}/openid4vci/credential`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ credential_configuration_id: 'driver-license' }),
      });
      assert.equal(res.status, 401, 'the token of a code used twice no longer works');
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_token');
    });

    it('refusals end with access_denied (or the cause) at the wallet with its state, and nothing is issued', async () => {
      source.claims = example();
      const before = await t.runtime.store.credentials.count();
      idp.account = null; // the citizen cancels at the identity provider
      let r = await login();
      assert.equal(r.back.searchParams.get('error'), 'access_denied');
      assert.equal(r.back.searchParams.get('state'), 'wallet-state-1');
      assert.equal(r.code, '');
      idp.account = 'citizen-7';
      const asks = source.requests.length;
      assert.equal(asks, source.requests.length);

      for (const [behaviour, error] of [
        ['deny', 'access_denied'],
        ['forbidden', 'access_denied'],
        ['bad-claims', 'server_error'],
        ['bad-signature', 'temporarily_unavailable'],
      ] as const) {
        source.behaviour = behaviour;
        r = await login();
        assert.equal(r.back.searchParams.get('error'), error, behaviour);
        assert.equal(r.back.searchParams.get('iss'), t.url);
      }
      // RFC 9207 §2.4: the provider's metadata says it sends iss (oidc-provider does), so an answer without it is a mix-up.
      source.behaviour = 'grant';
      r = await login({
        atCallback: (u) => {
          assert.equal(u.searchParams.get('iss'), idp.issuer);
          u.searchParams.delete('iss');
          return u;
        },
      });
      assert.equal(r.back.searchParams.get('error'), 'server_error');
      assert.match(r.back.searchParams.get('error_description') ?? '', /lacks the iss/);
      assert.equal(r.code, '');
      assert.equal(await t.runtime.store.credentials.count(), before);
      const sealed = await t.runtime.store.db.selectFrom('vci_offers').select('id').where('claims', 'like', 'sealed1.%').execute();
      assert.equal(sealed.length, 0);
      source.behaviour = 'grant';
    });

    it('bad input gets the RFC error codes: PKCE missing or plain, unknown configuration or scope, response_type, reused or expired request_uri, wrong verifier, redirect_uri, reused code', async () => {
      source.behaviour = 'grant';
      source.claims = example();
      const base = {
        client_id: 'test-wallet',
        response_type: 'code',
        redirect_uri: WALLET_REDIRECT,
        code_challenge: s256('v'.repeat(43)),
        code_challenge_method: 'S256',
        scope: 'driver-license',
      };
      const par = async (fields: Record<string, string | undefined>) => {
        const f = Object.fromEntries(Object.entries({ ...base, ...fields }).filter(([, v]) => v !== undefined)) as Record<string, string>;
        const res = await form(t, '/oauth/par', f);
        return { status: res.status, body: (await res.json()) as { error: string; request_uri: string } };
      };
      const expectError = async (fields: Record<string, string | undefined>, error: string) => {
        const r = await par(fields);
        assert.equal(r.status, 400, JSON.stringify(fields));
        assert.equal(r.body.error, error, JSON.stringify(fields));
      };
      await expectError({ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request');
      await expectError({ code_challenge_method: 'plain' }, 'invalid_request');
      await expectError({ code_challenge_method: undefined }, 'invalid_request');
      await expectError({ scope: 'no-such-configuration' }, 'invalid_scope');
      await expectError(
        { scope: undefined, authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'nope' }]) },
        'invalid_authorization_details',
      );
      await expectError({ scope: undefined, authorization_details: '{not json' }, 'invalid_authorization_details');
      // A scope next to authorization_details may not ask for another configuration; the same one (or none) is let be.
      const dl = JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'driver-license' }]);
      await expectError({ scope: 'resident-id', authorization_details: dl }, 'invalid_scope');
      await expectError({ scope: 'openid driver-license resident-id', authorization_details: dl }, 'invalid_scope');
      for (const scope of ['driver-license', 'openid', 'openid driver-license'])
        assert.equal((await par({ scope, authorization_details: dl })).status, 201, scope);
      await expectError({ response_type: 'token' }, 'unsupported_response_type');
      await expectError({ request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'invalid_request');
      await expectError({ redirect_uri: 'javascript:alert(1)' }, 'invalid_request');
      // Not a URI as RFC 3986 spells one: the URL parser would drop or escape these, so the address
      // the code goes to would not be the one compared at the token endpoint. Nor user information.
      for (const redirect_uri of NOT_URI_REDIRECTS) await expectError({ redirect_uri }, 'invalid_request');
      // authorization_details is read as any JSON here: no __proto__, no member twice.
      for (const authorization_details of [
        '[{"type":"openid_credential","credential_configuration_id":"driver-license","__proto__":{"polluted":1}}]',
        '[{"type":"openid_credential","type":"openid_credential","credential_configuration_id":"driver-license"}]',
      ])
        await expectError({ scope: undefined, authorization_details }, 'invalid_authorization_details');
      // test-wallet is registered (WALLET_CLIENTS): another redirect_uri, even one of a good shape, is not its own.
      await expectError({ redirect_uri: 'https://attacker.example/cb' }, 'invalid_request');
      await expectError({ redirect_uri: 'eudi-openid4ci://authorize' }, 'invalid_request');
      // Registered for its own client, a scheme that is no reverse domain name is taken (the operator vouched for it).
      assert.equal((await par({ client_id: 'eudi-wallet', redirect_uri: 'eudi-openid4ci://authorize' })).status, 201);
      await expectError({ client_id: 'unregistered-wallet', redirect_uri: 'eudi-openid4ci://authorize' }, 'invalid_request');
      await expectError({ redirect_uri: `${WALLET_REDIRECT}/` }, 'invalid_request');
      await expectError({ issuer_state: 'not-an-offer' }, 'invalid_request');
      await expectError({ client_id: undefined }, 'invalid_request');

      const authorize = (q: Record<string, string>) => fetch(`${t.url}/oauth/authorize?${new URLSearchParams(q)}`, { redirect: 'manual' });
      let res = await authorize({ client_id: 'test-wallet', request_uri: 'urn:ietf:params:oauth:request_uri:unknown' });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request_uri');
      res = await authorize({ client_id: 'test-wallet' });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
      const pushed = await par({});
      res = await authorize({ client_id: 'another-wallet', request_uri: pushed.body.request_uri });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
      res = await authorize({ client_id: 'test-wallet', request_uri: pushed.body.request_uri });
      assert.equal(res.status, 302);
      assert.match(res.headers.get('set-cookie') ?? '', /^dproof_login=[A-Za-z0-9_-]+; Path=\/oauth\/callback; .*HttpOnly; SameSite=Lax/);
      // The login finished in a browser that did not start it (no login cookie) is refused (login CSRF).
      const idpState = new URL(res.headers.get('location')!).searchParams.get('state')!;
      const elsewhere = await fetch(`${t.url}/oauth/callback?state=${idpState}&code=x`, { redirect: 'manual' });
      assert.equal(elsewhere.status, 400);
      assert.equal(((await elsewhere.json()) as { error: string }).error, 'invalid_request');
      res = await authorize({ client_id: 'test-wallet', request_uri: pushed.body.request_uri });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request_uri');
      // The callback without a known state is refused, never redirected.
      res = await fetch(`${t.url}/oauth/callback?state=forged&code=x`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');

      // Token endpoint: wrong verifier, wrong redirect_uri, then the right one, then the code again.
      // The request is made with scope, the token request narrows with authorization_details.
      const { verifier, code } = await login({ fields: { authorization_details: undefined, scope: 'driver-license' } });
      const token = (fields: Record<string, string>) =>
        form(t, '/oauth/token', {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
          redirect_uri: WALLET_REDIRECT,
          ...fields,
        });
      const expectToken = async (fields: Record<string, string>, status: number, error?: string) => {
        const r = await token(fields);
        assert.equal(r.status, status, JSON.stringify(fields));
        if (error) assert.equal(((await r.json()) as { error: string }).error, error, JSON.stringify(fields));
      };
      await expectToken({ code_verifier: randomBytes(32).toString('base64url') }, 400, 'invalid_grant');
      // RFC 7636 §4.1: 43–128 unreserved ASCII characters; anything else is refused before it is hashed.
      await expectToken({ code_verifier: verifier.slice(0, 42) }, 400, 'invalid_grant');
      await expectToken({ code_verifier: `${verifier.slice(0, 42)}é` }, 400, 'invalid_grant');
      await expectToken({ code_verifier: `${verifier} ` }, 400, 'invalid_grant');
      await expectToken({ redirect_uri: 'http://127.0.0.1:9/elsewhere' }, 400, 'invalid_grant');
      await expectToken({ client_id: 'another-wallet' }, 400, 'invalid_grant');
      const noVerifier = await form(t, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: WALLET_REDIRECT });
      assert.equal(((await noVerifier.json()) as { error: string }).error, 'invalid_request');
      // The authorization code is not a pre-authorized code: no PKCE, client or redirect_uri check would apply there.
      const asPreAuthorized = await form(t, '/oauth/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': code,
      });
      assert.equal(asPreAuthorized.status, 400);
      assert.equal(((await asPreAuthorized.json()) as { error: string }).error, 'invalid_grant');
      await expectToken({ authorization_details: '[]' }, 400, 'invalid_authorization_details');
      // OpenID4VCI §6.2: authorization_details in the token request are answered, though the PAR used scope.
      const narrowed = await token({
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'driver-license' }]),
      });
      assert.equal(narrowed.status, 200);
      const answered = (await narrowed.json()) as {
        scope?: string;
        authorization_details?: { credential_configuration_id: string; credential_identifiers: string[] }[];
      };
      assert.equal(answered.scope, 'driver-license');
      assert.equal(answered.authorization_details?.[0]?.credential_configuration_id, 'driver-license');
      assert.equal(answered.authorization_details?.[0]?.credential_identifiers.length, 1);
      await expectToken({}, 400, 'invalid_grant');

      // An expired request_uri (RFC 9126 §2.2 expires_in).
      const late = await par({});
      t.clock.advance(91_000);
      res = await authorize({ client_id: 'test-wallet', request_uri: late.body.request_uri });
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request_uri');
    });
  });
}
