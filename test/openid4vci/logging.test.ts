import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { logSink } from '../helpers/log-sink.js';
import { startTestApp } from '../helpers/test-app.js';
import { rawExchange } from '../helpers/raw-http.js';
import { accessToken, codeOf, credentialRequest, fetchOffer, holderKey, makeOffer, nonce, proof } from './vci-helpers.js';

describe('OpenID4VCI logs', () => {
  it('carry no offer reference, pre-authorized code, tx_code, access token, c_nonce, proof or claim', async () => {
    const sink = logSink();
    const t = await startTestApp({ logDestination: sink.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const type = t.runtime.catalog.get('resident-id');
      const o = await makeOffer(t, await t.apiKey('issuer'), { type: 'resident-id', claims: type?.example, tx_code: true });
      const ref = o.credential_offer_uri.split('/').pop() as string;
      await fetchOffer(t, o);
      await t.app.inject({ method: 'GET', url: new URL(o.qr_svg).pathname });
      const code = await codeOf(t, o);
      const token = await accessToken(t, o);
      const c = await nonce(t);
      const jwt = await proof(holderKey(), { aud: t.config.publicUrl, nonce: c });
      const res = await credentialRequest(t, token, { credential_configuration_id: 'resident-id', proofs: { jwt: [jwt] } });
      assert.equal(res.statusCode, 200);
      await credentialRequest(t, undefined, {}, `/openid4vci/credential?access_token=${token}`);
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(sink.text().includes('"route":"/openid4vci/credential-offer/:ref"'), 'offer requests are logged by route');
      for (const secret of [ref, code, token, c, jwt.split('.')[2] as string, '최']) {
        assert.ok(!sink.text().includes(secret), `log must not contain ${secret.slice(0, 8)}…`);
      }
      // The tx_code is six digits, which timestamps contain by chance: look for it as a value.
      const tx = o.tx_code as string;
      for (const form of [`"${tx}"`, `=${tx}`]) assert.ok(!sink.text().includes(form), 'log must not contain the tx_code');
    } finally {
      await t.close();
    }
  });
});

describe('request logs under secret-bearing paths', () => {
  it('carry no offer reference or OpenID4VP request id, whatever the status (200, 404, 400, 414) or spelling', async () => {
    const sink = logSink();
    const t = await startTestApp({ logDestination: sink.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const type = t.runtime.catalog.get('resident-id');
      const o = await makeOffer(t, await t.apiKey('issuer'), { type: 'resident-id', claims: type?.example });
      const ref = o.credential_offer_uri.split('/').pop() as string;
      const verifier = await t.apiKey('verifier');
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/verifier/requests',
        headers: { authorization: `Bearer ${verifier}` },
        payload: {
          dcql_query: {
            credentials: [{ id: 'c', format: 'dc+sd-jwt', meta: { vct_values: [type!.vct] }, claims: [{ path: ['age_over_19'] }] }],
          },
        },
      });
      const id = made.json<{ id: string }>().id;
      // A holder's result address: request id, then a 128-bit secret (holder-result.ts).
      const resultSecret = randomBytes(16).toString('base64url');
      const requests: [string, number, string?][] = [
        [`/openid4vci/credential-offer/${ref}`, 200],
        [`/openid4vci/credential-offer/${ref}/qr.svg`, 200],
        [`/openid4vci/credential-offer/${ref}/`, 404],
        [`/openid4vci/credential-offer/${ref}/qr.gif`, 404],
        [`/OPENID4VCI/credential-offer/${ref}`, 404],
        [`/openid4vci//credential-offer/${ref}`, 404],
        [`/openid4vci/credential-offers/${ref}`, 404],
        [`/openid4vci/credential-offer/%zz${ref}`, 400],
        [`/openid4vci/credential-offer/${ref}${'x'.repeat(200)}`, 414],
        [`/openid4vp/requests/${id}`, 200],
        [`/openid4vp/requests/${id}/`, 404],
        [`/v1/verifier/requests/${id}`, 200, verifier],
        [`/v1/verifier/requests/${id}/x`, 404, verifier],
        [`/openid4vp/results/${id}.${resultSecret}`, 404],
        [`/openid4vp/results/${id}.${resultSecret}/x`, 404],
      ];
      for (const [url, status, key] of requests) {
        const res = await t.app.inject({ method: 'GET', url, ...(key && { headers: { authorization: `Bearer ${key}` } }) });
        assert.equal(res.statusCode, status, `${url.slice(0, 40)}…: ${res.body.slice(0, 200)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
      const lines = sink
        .text()
        .split('\n')
        .filter((l) => l.includes('"req":'));
      assert.ok(lines.length >= requests.length, 'every request is logged');
      assert.ok(
        sink.text().includes('"path":"/openid4vci/credential-offer/:redacted/:redacted"'),
        'the path is logged with the secret (and the word no route has) redacted',
      );
      for (const secret of [ref, id, ref.slice(0, 20), id.slice(0, 16), resultSecret, resultSecret.slice(0, 16)]) {
        assert.ok(!sink.text().includes(secret), `log must not contain ${secret.slice(0, 6)}…`);
      }
    } finally {
      await t.close();
    }
  });
});

/**
 * The path of each "incoming request" line. The sink takes each line as pino writes it (a
 * Writable whose write completes at once), and that line is written before the answer is sent.
 */
const incomingPaths = (sink: ReturnType<typeof logSink>): (string | undefined)[] =>
  sink
    .lines()
    .map((l) => JSON.parse(l) as { msg?: string; req?: { path?: string } })
    .filter((l) => l.msg === 'incoming request')
    .map((l) => l.req?.path);

describe('request logs for a path no route matches', () => {
  it('keep only the words of our own routes: a short secret (10 characters, a 13-digit number, part of an API key) is redacted', async () => {
    const sink = logSink();
    const t = await startTestApp({ logDestination: sink.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const issuer = await t.apiKey('issuer');
      // A 10-character pre-authorized code, a resident registration number, an API key's tail.
      const code = randomBytes(8).toString('base64url').slice(0, 10);
      const rrn = '9001011234567';
      const keyPart = issuer.slice(-12);
      const unmatched: [string, string][] = [
        [`/openid4vci/credential-offers/${code}`, '/openid4vci/:redacted/:redacted'],
        [`/v1/offers/${rrn}`, '/v1/offers/:redacted'],
        [`/v1/offer/${code}/status`, '/v1/:redacted/:redacted/status'],
        [`/status/${rrn}/x`, '/status/:redacted/:redacted'],
        [`/.well-known/openid-credential-issuer/${keyPart}`, '/.well-known/openid-credential-issuer/:redacted'],
        [`/${code}`, '/:redacted'],
        [`/v1/wallet/history/${code}?tx_code=${rrn}`, '/v1/wallet/history/:redacted'],
        // A word is compared as sent: in other case, percent-encoded or otherwise spelt, it is redacted.
        [`/V1/offers/${code}`, '/:redacted/offers/:redacted'],
        [`/%76%31/offers/${rrn}`, '/:redacted/offers/:redacted'],
        [`/OFFERS/${code}`, '/:redacted/:redacted'],
        // Empty segments carry nothing and stay.
        [`/v1//offers//${code}/`, '/v1//offers//:redacted/'],
      ];
      for (const [url] of unmatched) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 404, `${url}: ${res.body.slice(0, 200)}`);
      }
      // Matched routes: the route pattern where the route says so; else a parameter's value only
      // when it is one of our ids (a UUID), a wildcard's segments only when route words or an
      // asset's name. A parameter or a wildcard takes any text: the route matched, the text was not ours.
      const id = randomUUID();
      const matched: [string, string][] = [
        [`/openid4vci/credential-offer/${code}`, '/openid4vci/credential-offer/:ref'],
        ['/v1/credentials/not-a-credential', '/v1/credentials/:redacted'],
        [`/v1/credentials/${rrn}`, '/v1/credentials/:redacted'],
        [`/v1/credentials/${id}`, `/v1/credentials/${id}`],
        [`/v1//credentials//${rrn}`, '/v1//credentials//:redacted'],
        [`/web/${code}`, '/web/:redacted'],
        [`/web/${rrn}/wallet.js`, '/web/:redacted/wallet.js'],
        ['/web/wallet.js', '/web/wallet.js'],
        [`/docs/static/${keyPart}`, '/docs/static/:redacted'],
        ['/status/0123456789abcdef', '/status/0123456789abcdef'],
        [`/status/${code}`, '/status/:redacted'],
        ['/healthz', '/healthz'],
      ];
      for (const [url] of matched) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${issuer}` } });
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      }
      const logged = incomingPaths(sink);
      assert.deepEqual(
        logged,
        [...unmatched, ...matched].map(([, path]) => path),
      );
      for (const secret of [code, rrn, keyPart]) {
        assert.ok(!sink.text().includes(secret), `log must not contain ${secret.slice(0, 3)}…`);
      }
    } finally {
      await t.close();
    }
  });
});

describe('request logs of a path with a fragment', () => {
  it('leave out what follows # as what follows ?: the router ends the path there, so a static route matched', async () => {
    const sink = logSink();
    const t = await startTestApp({ listen: true, logDestination: sink.stream });
    try {
      const rrn = '9001011234567';
      for (const target of [`/healthz#${rrn}`, `/healthz?x=1#${rrn}`]) {
        const raw = await rawExchange(t.url, `GET ${target} HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n`, { end: true });
        assert.match(raw, /^HTTP\/1\.1 200 /, raw);
      }
      const paths = incomingPaths(sink);
      assert.deepEqual(paths, ['/healthz', '/healthz']);
      assert.ok(!sink.text().includes(rrn));
    } finally {
      await t.close();
    }
  });
});

describe('a body refused on an OAuth endpoint', () => {
  it('is answered with the registered code and logged with ours too, so an oversized body stays visible', async () => {
    const sink = logSink();
    const t = await startTestApp({ logDestination: sink.stream, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `pad=${'x'.repeat(100_000)}`,
      });
      assert.equal(res.statusCode, 413, res.body);
      assert.equal(res.json<{ error: string }>().error, 'invalid_request');
      const refused = sink
        .lines()
        .map((l) => JSON.parse(l) as { msg?: string; code?: string; problem?: string; status?: number })
        .filter((l) => l.msg === 'request refused');
      assert.deepEqual(
        refused.map((l) => [l.status, l.code, l.problem]),
        [[413, 'invalid_request', 'body_too_large']],
      );
    } finally {
      await t.close();
    }
  });
});
