/** The OpenID4VP request link both wallets read (§5.7) and the one client_id prefix they trust (§5.9.3). */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { didWebOfClientId, readRequestLink } from '../../src/holder/read-request-link.js';

const clientId = 'decentralized_identifier:did:web:verify.example.kr';
const requestUri = 'https://verify.example.kr/oid4vp/requests/abc';
const query = new URLSearchParams({ client_id: clientId, request_uri: requestUri }).toString();

it('reads client_id and request_uri from a request by reference, around white space', () => {
  assert.deepEqual(readRequestLink(` openid4vp://?${query}\n`), { ok: true, link: { scheme: 'openid4vp:', clientId, requestUri } });
});

it('tells the scheme, so a wallet can insist on openid4vp:', () => {
  const read = readRequestLink(`https://wallet.example.kr/present?${query}`);
  assert.ok(read.ok);
  assert.equal(read.link.scheme, 'https:');
});

it('refuses text that is not a link, and a link without client_id or request_uri', () => {
  assert.deepEqual(readRequestLink('client_id=x&request_uri=y'), { ok: false, error: 'not_a_link' });
  assert.deepEqual(readRequestLink(`openid4vp://?client_id=${encodeURIComponent(clientId)}`), {
    ok: false,
    error: 'missing_client_id_or_request_uri',
  });
  assert.deepEqual(readRequestLink(`openid4vp://?request_uri=${encodeURIComponent(requestUri)}`), {
    ok: false,
    error: 'missing_client_id_or_request_uri',
  });
  assert.deepEqual(readRequestLink(`openid4vp://?client_id=&request_uri=${encodeURIComponent(requestUri)}`), {
    ok: false,
    error: 'missing_client_id_or_request_uri',
  });
});

it("gives the verifier's DID for a decentralized_identifier did:web client_id, and nothing for other prefixes", () => {
  assert.equal(didWebOfClientId(clientId), 'did:web:verify.example.kr');
  assert.equal(didWebOfClientId('decentralized_identifier:did:key:z6Mk'), undefined);
  assert.equal(didWebOfClientId('redirect_uri:https://verify.example.kr/cb'), undefined);
  assert.equal(didWebOfClientId('x509_san_dns:verify.example.kr'), undefined);
  assert.equal(didWebOfClientId('did:web:verify.example.kr'), undefined);
});
