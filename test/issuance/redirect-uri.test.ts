/**
 * What a wallet's redirect_uri may be (redirect-uri.ts): RFC 3986 characters, absolute, no
 * fragment or user information, https / loopback http / a private-use scheme — a reverse domain
 * name unless the operator registered the URI (WALLET_CLIENTS) — and how an answer's parameters
 * are added to it with its own query kept as written (RFC 6749 §3.1.2).
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { NOT_URI_REDIRECTS } from './not-uri-redirects.js';
import { redirectUriFault, sameRedirectUri, withQueryParameters } from '../../src/issuance/authorization/redirect-uri.js';

it('takes what real wallets use, and refuses what is not a URI or would mislead where the code goes', () => {
  for (const uri of [
    'https://wallet.example/cb',
    'http://127.0.0.1:53117/callback',
    'http://[::1]:8080/cb',
    'kr.go.wallet:/cb',
    'eu.europa.ec.euidi://authorization',
    'id.animo.ausweis:',
    'https://wallet.example/cb?x=a/b&y=%20',
  ])
    assert.equal(redirectUriFault(uri), undefined, uri);
  for (const uri of [
    ...NOT_URI_REDIRECTS,
    'https://a.example/cb#frag',
    'http://wallet.example/cb',
    'javascript:alert(1)',
    'data:text/html,x',
    'eudi-openid4ci://authorize',
    '/relative',
  ])
    assert.ok(redirectUriFault(uri), uri);
});

it('widens the schemes only for a URI an operator registered, never to javascript:, data: or plain http elsewhere', () => {
  assert.equal(redirectUriFault('eudi-openid4ci://authorize', true), undefined);
  for (const uri of ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'http://wallet.example/cb', 'https://a.example/a b'])
    assert.ok(redirectUriFault(uri, true), uri);
});

it('matches a registered URI exactly, any port on a loopback IP (RFC 8252 §7.3)', () => {
  assert.ok(sameRedirectUri('http://127.0.0.1/callback', 'http://127.0.0.1:53117/callback'));
  assert.ok(sameRedirectUri('http://[::1]/cb', 'http://[::1]:9/cb'));
  assert.ok(!sameRedirectUri('http://127.0.0.1/callback', 'http://127.0.0.1:53117/callback/x'));
  assert.ok(!sameRedirectUri('http://localhost/cb', 'http://localhost:9/cb'));
  assert.ok(!sameRedirectUri('https://wallet.example/cb', 'https://wallet.example/cb/'));
});

it("adds the answer's parameters and keeps the redirect_uri's own query as written", () => {
  const params = new URLSearchParams({ code: 'c', state: 's t', iss: 'https://issuer.example' });
  assert.equal(withQueryParameters('kr.go.wallet:/cb', params), 'kr.go.wallet:/cb?code=c&state=s+t&iss=https%3A%2F%2Fissuer.example');
  assert.equal(withQueryParameters('https://w.example/cb?x=a/b&y=%20', params).split('&code=')[0], 'https://w.example/cb?x=a/b&y=%20');
  assert.equal(
    withQueryParameters('https://w.example/cb?', params),
    'https://w.example/cb?code=c&state=s+t&iss=https%3A%2F%2Fissuer.example',
  );
});
