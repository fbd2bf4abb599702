/**
 * The Authorization Code Flow's settings and outbound rule: OIDC_ISSUER turns it on and makes the
 * rest required; the identity provider and claims source are https unless allow-listed; a
 * request to an internal address that is not allow-listed is refused before anything is sent.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';
import { fetchOperatorEndpoint } from '../../src/http-client/fetch-operator-endpoint.js';
import { parseOutboundAllowList } from '../../src/http-client/outbound-allow-list.js';

const FULL = {
  OIDC_ISSUER: 'https://login.agency.example',
  OIDC_CLIENT_ID: 'dproof',
  OIDC_CLIENT_SECRET: 'secret',
  CLAIMS_SOURCE_URL: 'https://backoffice.agency.example/claims',
  CLAIMS_SOURCE_SECRET: 'x'.repeat(32),
  CLAIMS_SOURCE_CLIENT: 'agency issuer',
};

const refuses = (env: Record<string, string>, variable: string) =>
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => e instanceof ConfigError && e.variable === variable,
    variable,
  );

describe('authorization code flow settings', () => {
  it('is off without OIDC_ISSUER, on with the whole set', () => {
    assert.equal(loadConfig({}).authorizationCode, undefined);
    const c = loadConfig(FULL).authorizationCode;
    assert.equal(c?.oidcIssuer, FULL.OIDC_ISSUER);
    assert.equal(c?.oidcScope, 'openid');
  });

  it('names the missing or bad variable', () => {
    for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'CLAIMS_SOURCE_URL', 'CLAIMS_SOURCE_SECRET', 'CLAIMS_SOURCE_CLIENT']) {
      const env: Record<string, string> = { ...FULL };
      delete env[name];
      refuses(env, name);
    }
    refuses({ ...FULL, CLAIMS_SOURCE_SECRET: 'short' }, 'CLAIMS_SOURCE_SECRET');
    refuses({ ...FULL, OIDC_SCOPE: 'profile' }, 'OIDC_SCOPE');
    refuses({ ...FULL, OIDC_ISSUER: 'http://login.agency.example' }, 'OIDC_ISSUER');
    refuses({ ...FULL, CLAIMS_SOURCE_URL: 'http://127.0.0.1:9/claims' }, 'CLAIMS_SOURCE_URL');
    refuses({ ...FULL, AUTHORIZATION_ALLOW_HOSTS: 'not a host!' }, 'AUTHORIZATION_ALLOW_HOSTS');
    // http to an allow-listed host outside production only.
    assert.ok(
      loadConfig({ ...FULL, CLAIMS_SOURCE_URL: 'http://127.0.0.1:9/claims', AUTHORIZATION_ALLOW_HOSTS: '127.0.0.1' }).authorizationCode,
    );
    refuses(
      {
        ...FULL,
        CLAIMS_SOURCE_URL: 'http://127.0.0.1:9/claims',
        AUTHORIZATION_ALLOW_HOSTS: '127.0.0.1',
        NODE_ENV: 'production',
        DPROOF_KEY_PASSPHRASE: 'a passphrase for tests',
      },
      'CLAIMS_SOURCE_URL',
    );
  });
});

describe('requests to operator endpoints', () => {
  const sent: string[] = [];
  const fetcher = async (url: string) => {
    sent.push(url);
    return new Response('{}', { status: 200 });
  };
  const base = { accept: 'application/json', maxBytes: 1000, timeoutMs: 1000, production: false, fetcher };

  it('refuse internal addresses, localhost and plain http unless allow-listed; resolved names are checked too', async () => {
    const none = parseOutboundAllowList([]);
    for (const url of [
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://[::1]/x',
      'https://169.254.169.254/x',
      'http://idp.example/x',
    ]) {
      await assert.rejects(
        fetchOperatorEndpoint(url, { ...base, allow: none, resolve: async () => [{ address: '93.184.216.34', family: 4 }] }),
        url,
      );
    }
    await assert.rejects(
      fetchOperatorEndpoint('https://idp.example/x', { ...base, allow: none, resolve: async () => [{ address: '10.0.0.5', family: 4 }] }),
    );
    assert.deepEqual(sent, []);
    await fetchOperatorEndpoint('https://idp.example/x', {
      ...base,
      allow: none,
      resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    });
    await fetchOperatorEndpoint('http://127.0.0.1:9/x', { ...base, allow: parseOutboundAllowList(['127.0.0.1']) });
    await assert.rejects(
      fetchOperatorEndpoint('http://127.0.0.1:9/x', { ...base, production: true, allow: parseOutboundAllowList(['127.0.0.1']) }),
    );
    assert.deepEqual(sent, ['https://idp.example/x', 'http://127.0.0.1:9/x']);
  });
});
