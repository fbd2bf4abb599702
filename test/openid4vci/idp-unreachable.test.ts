/**
 * The authorization endpoint when the identity provider cannot be reached: 503
 * temporarily_unavailable in the OAuth shape. A 5xx says only that the service could not complete
 * the request (its own message is never shown); the provider's fault (the address it was tried at,
 * the socket's error) goes to the operator's log, never to the browser.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { freePort } from '../helpers/spawn-server.js';
import { logSink } from '../helpers/log-sink.js';
import { errorEntry } from '../../src/errors.js';
import { pkceParFields, postForm } from './authorization-code-helpers.js';

describe('the authorization endpoint with the identity provider down', () => {
  let t: TestApp;
  let idpPort = 0;
  const logs = logSink();
  beforeAll(async () => {
    idpPort = await freePort(); // nothing listens there
    t = await startTestApp({
      listen: true,
      logDestination: logs.stream,
      env: {
        RATE_LIMIT_PER_MINUTE: '0',
        OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        OIDC_CLIENT_ID: 'dproof',
        OIDC_CLIENT_SECRET: 'secret',
        CLAIMS_SOURCE_URL: `http://127.0.0.1:${idpPort}/claims`,
        CLAIMS_SOURCE_SECRET: 'x'.repeat(32),
        CLAIMS_SOURCE_CLIENT: 'test issuer',
        AUTHORIZATION_ALLOW_HOSTS: '127.0.0.1',
      },
    });
    await t.apiKey('issuer');
  });
  afterAll(() => t.close());

  it('answers 503 temporarily_unavailable saying only that the service could not complete it, in Korean when asked, and logs the cause', async () => {
    for (const language of ['en', 'ko']) {
      const par = await postForm(
        t,
        '/oauth/par',
        pkceParFields('wallet-1', randomBytes(32).toString('base64url'), { scope: 'driver-license' }),
      );
      assert.equal(par.statusCode, 201, par.body);
      const res = await fetch(
        `${t.url}/oauth/authorize?${new URLSearchParams({ client_id: 'wallet-1', request_uri: par.json<{ request_uri: string }>().request_uri })}`,
        { redirect: 'manual', headers: { 'accept-language': language } },
      );
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'temporarily_unavailable');
      assert.equal(
        body.error_description,
        language === 'ko' ? errorEntry('temporarily_unavailable').ko : 'the service could not complete the request',
      );
      assert.ok(!JSON.stringify(body).includes(String(idpPort)), 'no address of the provider in the answer');
    }
    assert.ok(
      logs.lines().some((l) => l.includes('identity provider unreachable')),
      'the cause is in the log',
    );
  });
});
