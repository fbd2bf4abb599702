/**
 * Wallet attestation at the token endpoint (OAuth 2.0 Attestation-Based Client Authentication,
 * attest_jwt_client_auth): trusted wallet providers from TRUSTED_WALLET_PROVIDERS, the PoP bound
 * to the attestation's cnf key, audience, freshness, jti replay, and WALLET_ATTESTATION_REQUIRED
 * per credential configuration. Real keys and signatures, real stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import {
  loadWalletProviders,
  NO_WALLET_PROVIDERS,
  parseWalletProviders,
  WalletProvidersError,
} from '../../src/issuance/client-attestation/trusted-wallet-providers.js';
import { ConfigError, loadConfig, type Config } from '../../src/config.js';
import { walletAttestationParCheck } from '../../src/issuance/client-attestation/par-client-attestation.js';
import { parseWalletClients, WalletClientsError } from '../../src/issuance/authorization/wallet-clients.js';
import { noWalletCanAuthorize, openRuntime } from '../../src/boot.js';
import { createLogger } from '../../src/http/logger.js';
import { makeStoreTarget } from '../helpers/stores.js';
import { PRE_AUTH, codeOf, holderKey, makeOffer, type Offer } from './vci-helpers.js';
import {
  clientAttestation,
  clientAttestationPop,
  clientAttestationX5c,
  providerPki,
  providersFile,
  walletProvider,
} from './attestation-helpers.js';

const trusted = walletProvider('Trusted Wallet Co.');
const stranger = walletProvider('Unknown Wallet Inc.');
const pki = await providerPki('PKI Wallet Co.');
const otherPki = await providerPki('Other PKI Inc.');

for (const backend of storeTargets()) {
  describe(`wallet attestation at the token endpoint on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        env: {
          RATE_LIMIT_PER_MINUTE: '0',
          TRUSTED_WALLET_PROVIDERS: providersFile([trusted], [pki]),
          WALLET_ATTESTATION_REQUIRED: 'driver-license',
        },
      });
      issuerKey = await t.apiKey('issuer');
    });
    afterAll(() => t.close());

    const offerFor = (type = 'driver-license') => makeOffer(t, issuerKey, { type, claims: t.runtime.catalog.get(type)!.example });
    const tokenCall = async (offer: Offer, headers: Record<string, string> = {}, form: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': await codeOf(t, offer), ...form }).toString(),
      });
    const attested = async (
      o: { provider?: typeof trusted; aud?: string; jti?: string; instance?: ReturnType<typeof holderKey>; sub?: string } = {},
    ) => {
      const instance = o.instance ?? holderKey();
      return {
        'oauth-client-attestation': await clientAttestation(o.provider ?? trusted, instance, { ...(o.sub && { sub: o.sub }) }),
        'oauth-client-attestation-pop': await clientAttestationPop(instance, {
          aud: o.aud ?? t.config.publicUrl,
          ...(o.jti && { jti: o.jti }),
        }),
      };
    };
    const error = (res: { json(): unknown }) => (res.json() as { error: string }).error;

    it('says attest_jwt_client_auth in the authorization server metadata', async () => {
      const m = (await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
      assert.deepEqual(m.token_endpoint_auth_methods_supported, ['none', 'attest_jwt_client_auth']);
      assert.deepEqual(m.client_attestation_pop_signing_alg_values_supported, ['ES256', 'EdDSA']);
    });

    it('takes a token with a trusted attestation and its PoP, and records the wallet client on the token', async () => {
      const res = await tokenCall(await offerFor(), await attested());
      assert.equal(res.statusCode, 200, res.body);
      const row = await t.runtime.store.db
        .selectFrom('vci_access_tokens')
        .select('wallet_client')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      assert.equal(row?.wallet_client, 'https://wallet.example/dproof-test');
    });

    it('requires it for driver-license only (WALLET_ATTESTATION_REQUIRED): invalid_client 401 without it', async () => {
      const res = await tokenCall(await offerFor());
      assert.equal(res.statusCode, 401);
      assert.equal(error(res), 'invalid_client');
      assert.equal((await tokenCall(await offerFor('resident-id'))).statusCode, 200);
    });

    it('refuses untrusted providers, foreign audiences, PoPs by another key, replays, stale or half-sent attestations (invalid_client), and the code stays redeemable', async () => {
      const offer = await offerFor();
      const instance = holderKey();
      const now = Math.floor(Date.now() / 1000);
      const popOk = () => clientAttestationPop(instance, { aud: t.config.publicUrl });
      const usedPop = await popOk();
      assert.equal(
        (
          await tokenCall(await offerFor(), {
            'oauth-client-attestation': await clientAttestation(trusted, instance),
            'oauth-client-attestation-pop': usedPop,
          })
        ).statusCode,
        200,
      );
      const cases: [string, Record<string, string>, Record<string, string>?][] = [
        ['untrusted provider', await attested({ provider: stranger })],
        ['PoP for another audience', await attested({ aud: 'https://other-issuer.example' })],
        [
          'PoP by another key',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance),
            'oauth-client-attestation-pop': await clientAttestationPop(holderKey(), { aud: t.config.publicUrl }),
          },
        ],
        [
          'replayed PoP',
          { 'oauth-client-attestation': await clientAttestation(trusted, instance), 'oauth-client-attestation-pop': usedPop },
        ],
        [
          'expired attestation',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance, { exp: now - 600 }),
            'oauth-client-attestation-pop': await popOk(),
          },
        ],
        [
          'stale PoP',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance),
            'oauth-client-attestation-pop': await clientAttestationPop(instance, { aud: t.config.publicUrl, iat: now - 3600 }),
          },
        ],
        [
          'wrong attestation typ',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance, { typ: 'JWT' }),
            'oauth-client-attestation-pop': await popOk(),
          },
        ],
        [
          'wrong PoP typ',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance),
            'oauth-client-attestation-pop': await clientAttestationPop(instance, { aud: t.config.publicUrl, typ: 'JWT' }),
          },
        ],
        [
          'private cnf key',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance, {
              payload: { cnf: { jwk: instance.privateKey.export({ format: 'jwk' }) } },
            }),
            'oauth-client-attestation-pop': await popOk(),
          },
        ],
        [
          'no sub',
          {
            'oauth-client-attestation': await clientAttestation(trusted, instance, { payload: { sub: undefined } }),
            'oauth-client-attestation-pop': await popOk(),
          },
        ],
        ['attestation only', { 'oauth-client-attestation': await clientAttestation(trusted, instance) }],
        ['PoP only', { 'oauth-client-attestation-pop': await popOk() }],
        ['not a JWT', { 'oauth-client-attestation': 'hello world', 'oauth-client-attestation-pop': await popOk() }],
        ['client_id other than sub', await attested(), { client_id: 'https://someone-else.example' }],
      ];
      for (const [name, headers, form] of cases) {
        const res = await tokenCall(offer, headers, form);
        assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
        assert.equal(error(res), 'invalid_client', name);
      }
      assert.equal((await tokenCall(offer, await attested())).statusCode, 200);
    });

    it('takes an attestation signed under an x5c chain to a configured anchor (HAIP), and refuses a chain with the anchor, a self-signed or another CA signer', async () => {
      const instance = holderKey();
      const pop = () => clientAttestationPop(instance, { aud: t.config.publicUrl });
      const good = await tokenCall(await offerFor(), {
        'oauth-client-attestation': await clientAttestationX5c(pki.leaf, [pki.leaf.x5c], instance),
        'oauth-client-attestation-pop': await pop(),
      });
      assert.equal(good.statusCode, 200, good.body);
      const stated = await tokenCall(await offerFor(), {
        'oauth-client-attestation': await clientAttestationX5c(pki.signingUsage, [pki.signingUsage.x5c], instance),
        'oauth-client-attestation-pop': await pop(),
      });
      assert.equal(stated.statusCode, 200, `keyUsage digitalSignature: ${stated.body}`);
      const offer = await offerFor();
      const cases: [string, string][] = [
        ['keyUsage without digitalSignature', await clientAttestationX5c(pki.encipherOnly, [pki.encipherOnly.x5c], instance)],
        ['anchor inside x5c', await clientAttestationX5c(pki.leaf, [pki.leaf.x5c, pki.caX5c], instance)],
        ['self-signed signer', await clientAttestationX5c(pki.selfSigned, [pki.selfSigned.x5c], instance)],
        ['another CA', await clientAttestationX5c(otherPki.leaf, [otherPki.leaf.x5c], instance)],
        ['x5c of another key', await clientAttestationX5c(otherPki.leaf, [pki.leaf.x5c], instance)],
        ['x5c not base64', await clientAttestationX5c(pki.leaf, ['not base64!'], instance)],
      ];
      for (const [name, attestation] of cases) {
        const res = await tokenCall(offer, { 'oauth-client-attestation': attestation, 'oauth-client-attestation-pop': await pop() });
        assert.equal(res.statusCode, 401, `${name}: ${res.body}`);
        assert.equal(error(res), 'invalid_client', name);
      }
    });

    it('is the PAR client check too: verified when sent (sub = client_id), required where configured', async () => {
      const check = walletAttestationParCheck(t.runtime);
      const ctx = (
        headers: Record<string, string>,
        configurationId = 'driver-license',
        clientId = 'https://wallet.example/dproof-test',
      ) => ({
        clientId,
        redirectUri: 'https://wallet.example/cb',
        headers,
        form: {},
        configurationId,
        endpoint: `${t.config.publicUrl}/oauth/par`,
      });
      await check(ctx(await attested()));
      await check(ctx({}, 'resident-id'));
      await assert.rejects(check(ctx({})), (e: { code?: string }) => e.code === 'invalid_client');
      await assert.rejects(
        check(ctx(await attested(), 'driver-license', 'https://other.example')),
        (e: { code?: string }) => e.code === 'invalid_client',
      );
      await assert.rejects(
        check(ctx(await attested({ provider: stranger }), 'resident-id')),
        (e: { code?: string }) => e.code === 'invalid_client',
      );
    });

    it('holds registered wallets to their redirect URIs, and in production wants an unregistered one attested (RFC 6749 §3.1.2.2, RFC 9126 §2.4)', async () => {
      const walletClients = parseWalletClients(
        JSON.stringify({
          clients: [{ client_id: 'kr.go.wallet', redirect_uris: ['https://wallet.example/cb', 'http://127.0.0.1/cb', 'kr.go.wallet:/cb'] }],
        }),
      );
      const refused = (code: string) => (e: { code?: string }) => e.code === code;
      for (const nodeEnv of ['development', 'production']) {
        const check = walletAttestationParCheck({ ...t.runtime, config: { ...t.config, nodeEnv }, walletClients });
        const ctx = async (clientId: string, redirectUri: string, attest = false) => ({
          clientId,
          redirectUri,
          headers: attest ? await attested({ sub: clientId }) : {},
          form: {},
          configurationId: 'resident-id',
          endpoint: `${t.config.publicUrl}/oauth/par`,
        });
        // Registered: its own URIs only, exactly (any port on the loopback IP), attested or not.
        await check(await ctx('kr.go.wallet', 'https://wallet.example/cb'));
        await check(await ctx('kr.go.wallet', 'kr.go.wallet:/cb'));
        await check(await ctx('kr.go.wallet', 'http://127.0.0.1:53117/cb'));
        for (const other of [
          'https://attacker.example/cb',
          'https://wallet.example/cb/',
          'https://wallet.example/cb?x=1',
          'https://WALLET.example/cb',
          'http://127.0.0.1:53117/cb/other',
          'http://localhost:53117/cb',
        ])
          await assert.rejects(check(await ctx('kr.go.wallet', other)), refused('invalid_request'), other);
        await assert.rejects(check(await ctx('kr.go.wallet', 'https://attacker.example/cb', true)), refused('invalid_request'));
        // Unregistered: attested, any redirect_uri of a valid shape (its sub is the client_id).
        await check(await ctx('https://wallet.example/dproof-test', 'https://anywhere.example/cb', true));
        // Unregistered and unattested: a development convenience only.
        const anonymous = check(await ctx('some-wallet', 'https://attacker.example/cb'));
        if (nodeEnv === 'production') await assert.rejects(anonymous, refused('invalid_client'));
        else await anonymous;
      }
    });

    it('takes attestation and DPoP together: the token is DPoP-bound and records the wallet', async () => {
      const { dpopProof } = await import('./dpop-helpers.js');
      const key = holderKey();
      const nonce = (await t.app.inject({ method: 'POST', url: '/openid4vci/nonce' })).headers['dpop-nonce'] as string;
      const res = await tokenCall(await offerFor(), {
        ...(await attested()),
        dpop: await dpopProof(key, { htu: `${t.config.publicUrl}/oauth/token`, nonce }),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().token_type, 'DPoP');
    });
  });
}

describe('WALLET_CLIENTS file', () => {
  it('refuses files that are not JSON, have no clients, a client without an id or redirect URIs, one listed twice, or a URI of a bad shape', () => {
    const client = (o: Record<string, unknown>) =>
      JSON.stringify({ clients: [{ client_id: 'w', redirect_uris: ['https://w.example/cb'], ...o }] });
    const bad = [
      'not json',
      '{}',
      JSON.stringify({ clients: {} }),
      client({ client_id: '' }),
      client({ client_id: 'x'.repeat(256) }),
      client({ redirect_uris: [] }),
      client({ redirect_uris: 'https://w.example/cb' }),
      client({ redirect_uris: [7] }),
      client({ redirect_uris: ['https://w.example/cb#frag'] }),
      client({ redirect_uris: ['http://w.example/cb'] }),
      client({ redirect_uris: ['javascript:alert(1)'] }),
      client({ redirect_uris: ['/relative'] }),
      JSON.stringify({
        clients: [
          { client_id: 'w', redirect_uris: ['https://a.example/'] },
          { client_id: 'w', redirect_uris: ['https://b.example/'] },
        ],
      }),
    ];
    for (const text of bad) assert.throws(() => parseWalletClients(text), WalletClientsError, text);
    assert.deepEqual(parseWalletClients(client({})).get('w'), ['https://w.example/cb']);
  });

  it('warns at start when production has the authorization code flow but no wallet that could use it', () => {
    const on = { authorizationCode: {} as NonNullable<Config['authorizationCode']>, nodeEnv: 'production' };
    const clients = parseWalletClients(JSON.stringify({ clients: [{ client_id: 'w', redirect_uris: ['https://w.example/cb'] }] }));
    assert.match(noWalletCanAuthorize(on, new Map(), NO_WALLET_PROVIDERS) ?? '', /WALLET_CLIENTS/);
    assert.equal(noWalletCanAuthorize(on, clients, NO_WALLET_PROVIDERS), undefined);
    assert.equal(noWalletCanAuthorize(on, new Map(), loadWalletProviders(providersFile([trusted]))), undefined);
    assert.equal(noWalletCanAuthorize({ ...on, nodeEnv: 'development' }, new Map(), NO_WALLET_PROVIDERS), undefined);
    assert.equal(noWalletCanAuthorize({ ...on, authorizationCode: undefined }, new Map(), NO_WALLET_PROVIDERS), undefined);
  });

  it('stops the start with a line naming the variable when the file is bad', async () => {
    const target = await makeStoreTarget('sqlite');
    try {
      const config = loadConfig({ ...target.env, WALLET_CLIENTS: '/nonexistent/wallet-clients.json' });
      await assert.rejects(
        openRuntime(config, createLogger('silent')),
        (e: unknown) => e instanceof ConfigError && e.variable === 'WALLET_CLIENTS' && /cannot read/.test(e.message),
      );
    } finally {
      await target.cleanup();
    }
  });
});

describe('TRUSTED_WALLET_PROVIDERS file', () => {
  it('refuses files that are not JSON, have no providers, a nameless provider, or a key that is no public P-256/Ed25519 point', () => {
    const k = holderKey().jwk;
    const bad = [
      'not json',
      '{}',
      JSON.stringify({ providers: [{ keys: [k] }] }),
      JSON.stringify({ providers: [{ name: 'x', keys: [] }] }),
      JSON.stringify({ providers: [{ name: 'x', keys: [{ ...k, y: k.x }] }] }),
      JSON.stringify({ providers: [{ name: 'x', keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }] }),
    ];
    for (const text of bad) assert.throws(() => parseWalletProviders(text), WalletProvidersError, text);
    assert.equal(
      parseWalletProviders(JSON.stringify({ providers: [{ name: 'x', keys: [{ ...k, kid: 'a' }] }] })).candidates('a').length,
      1,
    );
  });

  it('stops the start with a line naming the variable when the file is bad', async () => {
    const target = await makeStoreTarget('sqlite');
    try {
      const config = loadConfig({ ...target.env, TRUSTED_WALLET_PROVIDERS: '/nonexistent/providers.json' });
      await assert.rejects(
        openRuntime(config, createLogger('silent')),
        (e: unknown) => e instanceof ConfigError && e.variable === 'TRUSTED_WALLET_PROVIDERS',
      );
    } finally {
      await target.cleanup();
    }
  });
});
