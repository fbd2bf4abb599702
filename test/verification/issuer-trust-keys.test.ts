/**
 * Trusted issuers' JWKS pass the public-key gate: a published key nobody holds the private half
 * of (a small-order Ed25519 point, an off-curve P-256 point, a second spelling of a key, …) is
 * dropped from the set, so no token can be verified under it; real keys next to it still work.
 * No store is involved (IssuerTrust fetches and caches in memory).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../src/clock.js';
import { IssuerTrust } from '../../src/verification/issuer-trust.js';
import { badPublicJwks, realKeys } from '../helpers/bad-public-jwks.js';

const ISS = 'https://issuer.example';
const keys = realKeys();
const bad = badPublicJwks(keys).map((c, i) => ({ ...c, kid: `bad-${i}` }));
const good = [
  { ...keys.ec.jwk, kid: 'good-ec', alg: 'ES256' as const },
  { ...keys.ed.jwk, kid: 'good-ed', alg: 'EdDSA' as const },
];

function trustPublishing(published: object[]) {
  const fetched: string[] = [];
  const trust = new IssuerTrust({
    ownIssuer: 'https://self.example',
    ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
    trusted: [{ issuer: ISS, types: [] }],
    clock: fixedClock(Date.now()),
    fetch: async (url) => {
      fetched.push(url);
      return Response.json({ issuer: ISS, jwks: { keys: published } });
    },
  });
  return { trust, fetched };
}

test('a trusted issuer key nobody holds is dropped from its JWKS; its real keys still resolve', async () => {
  assert.ok(good.length + bad.length <= 32, 'every key fits the per-issuer cap, so none is cut for another reason');
  const { trust, fetched } = trustPublishing([...good, ...bad.map((c) => ({ ...c.jwk, kid: c.kid }))]);
  for (const g of good) assert.deepEqual((await trust.resolveKey({ iss: ISS, kid: g.kid, alg: g.alg }))?.jwk, g, g.kid);
  for (const c of bad) assert.equal(await trust.resolveKey({ iss: ISS, kid: c.kid, alg: c.signer.alg }), undefined, c.name);
  assert.equal(fetched.length, 1, 'fetched once, then cached');
});

test('without a kid, the one real key of an alg is found: the bad keys beside it do not make the choice ambiguous', async () => {
  const edBad = bad.filter((c) => c.signer.alg === 'EdDSA').map((c) => ({ ...c.jwk, kid: c.kid }));
  assert.ok(edBad.length > 1);
  const { trust } = trustPublishing([good[1]!, ...edBad]);
  assert.deepEqual((await trust.resolveKey({ iss: ISS, kid: undefined, alg: 'EdDSA' }))?.jwk, good[1]);
});

test('metadata that names a member twice, or nests past any real metadata, gives no keys: fetch_failed', async () => {
  const key = good[0]!;
  const member = `"kty":"EC","crv":"P-256","x":"${key.x}","y":"${key.y}","kid":"${key.kid}","alg":"ES256"`;
  for (const body of [
    // The same key with `x` twice: JSON.parse keeps the second, another reader the first.
    `{"issuer":"${ISS}","jwks":{"keys":[{${member},"x":"${key.y}"}]}}`,
    `{"issuer":"${ISS}","issuer":"https://other.example","jwks":{"keys":[{${member}}]}}`,
    `{"issuer":"${ISS}","jwks":{"keys":[{${member}}]},"pad":${'['.repeat(65)}${']'.repeat(65)}}`,
    `{"issuer":"${ISS}","jwks":{"keys":[{${member}}]},"pad":{${Array.from({ length: 1001 }, (_, i) => `"m${i}":1`).join(',')}}}`,
  ]) {
    const trust = new IssuerTrust({
      ownIssuer: 'https://self.example',
      ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
      trusted: [{ issuer: ISS, types: [] }],
      clock: fixedClock(Date.now()),
      fetch: async () => new Response(body, { headers: { 'content-type': 'application/json' } }),
    });
    await assert.rejects(trust.resolveKey({ iss: ISS, kid: key.kid, alg: 'ES256' }), { code: 'fetch_failed' }, body.slice(0, 80));
  }
  // The same metadata written once is read (the test above is not refusing everything).
  const trust = new IssuerTrust({
    ownIssuer: 'https://self.example',
    ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
    trusted: [{ issuer: ISS, types: [] }],
    clock: fixedClock(Date.now()),
    fetch: async () => new Response(`{"issuer":"${ISS}","jwks":{"keys":[{${member}}]}}`),
  });
  assert.equal((await trust.resolveKey({ iss: ISS, kid: key.kid, alg: 'ES256' }))?.jwk.kid, key.kid);
});
