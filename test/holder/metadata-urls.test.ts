/** Where both wallets look for metadata: well-known URLs (RFC 8414 §3) and did:web documents (did:web §3.2). */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { didWebUrl } from '../../src/holder/did-web-url.js';
import { wellKnownUrl } from '../../src/holder/well-known-url.js';

it('puts the well-known segment between host and path (RFC 8414 §3, OpenID4VCI §12.2.2)', () => {
  assert.equal(
    wellKnownUrl('https://issuer.example.kr', 'openid-credential-issuer'),
    'https://issuer.example.kr/.well-known/openid-credential-issuer',
  );
  assert.equal(wellKnownUrl('https://gov.example.kr/police', 'jwt-vc-issuer'), 'https://gov.example.kr/.well-known/jwt-vc-issuer/police');
  assert.equal(
    wellKnownUrl('http://127.0.0.1:8080/', 'oauth-authorization-server'),
    'http://127.0.0.1:8080/.well-known/oauth-authorization-server',
  );
});

it('resolves did:web to https://<host>/.well-known/did.json, the port percent-encoded (did:web §3.2)', () => {
  assert.equal(didWebUrl('did:web:verify.example.kr'), 'https://verify.example.kr/.well-known/did.json');
  assert.equal(didWebUrl('did:web:verify.example.kr%3A8443'), 'https://verify.example.kr:8443/.well-known/did.json');
});

it('refuses a did:web whose host part would decode to a path, fragment, query or user (no URL to fetch)', () => {
  for (const did of [
    'did:web:evil.example%23',
    'did:web:evil.example%2Fx',
    'did:web:evil.example%3Fq',
    'did:web:user%40evil.example',
    'did:web:',
    'did:web:a%3Ab',
  ])
    assert.equal(didWebUrl(did), undefined, did);
});

it('uses plain http only for this machine', () => {
  assert.equal(didWebUrl('did:web:localhost%3A3000'), 'http://localhost:3000/.well-known/did.json');
  assert.equal(didWebUrl('did:web:127.0.0.1%3A3000'), 'http://127.0.0.1:3000/.well-known/did.json');
  assert.equal(didWebUrl('did:web:%5B%3A%3A1%5D%3A3000'), 'http://[::1]:3000/.well-known/did.json');
  assert.equal(didWebUrl('did:web:localhost.example.kr'), 'https://localhost.example.kr/.well-known/did.json');
});

it('keeps the path of a did:web: did:web:host:dp → https://host/dp/did.json (did:web §3.2)', () => {
  assert.equal(didWebUrl('did:web:gov.example.kr:dp'), 'https://gov.example.kr/dp/did.json');
  assert.equal(didWebUrl('did:web:127.0.0.1%3A3000:a:b'), 'http://127.0.0.1:3000/a/b/did.json');
  for (const did of ['did:web:gov.example.kr:..', 'did:web:gov.example.kr:a%2Fb', 'did:web:gov.example.kr:', 'did:web:gov.example.kr:a?b'])
    assert.equal(didWebUrl(did), undefined, did);
});
