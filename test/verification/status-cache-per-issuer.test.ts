/**
 * Other issuers' status lists are cached per issuer: a list fetched and verified for issuer A is
 * never handed to a credential of issuer B that names the same URI (B's credential gets the list
 * only if B's key signed it), and concurrent verifications of one cold list share one fetch.
 * Two issuers on one origin (paths /a and /b), each with its own key, in an in-memory fetcher.
 */
import { beforeAll, it } from 'vitest';
import assert from 'node:assert/strict';
import { fixedClock } from '../../src/clock.js';
import { isAppError } from '../../src/errors.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';
import { signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { IssuerTrust } from '../../src/verification/issuer-trust.js';
import { StatusChecker } from '../../src/verification/status-checker.js';
import type { Fetcher } from '../../src/verification/fetch-json.js';
import { createTestSigner, type TestSigner } from '../status/test-signer.js';

const ORIGIN = 'https://issuers.example';
const A = `${ORIGIN}/a`;
const B = `${ORIGIN}/b`;
const LIST = `${A}/status/1`;
const clock = fixedClock(Date.now());

let signers: Record<string, TestSigner>;
let listToken: string;
const fetched: string[] = [];

const fetcher: Fetcher = async (url) => {
  fetched.push(url);
  const meta = /\/\.well-known\/jwt-vc-issuer\/(a|b)$/.exec(url);
  if (meta) {
    const iss = `${ORIGIN}/${meta[1]}`;
    return Response.json({ issuer: iss, jwks: { keys: [signers[iss]!.publicJwk] } });
  }
  if (url === LIST) return new Response(listToken, { headers: { 'content-type': 'application/statuslist+jwt' } });
  return new Response('not found', { status: 404 });
};

const checker = () =>
  new StatusChecker({
    trust: new IssuerTrust({
      ownIssuer: 'https://own.example',
      ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
      trusted: [
        { issuer: A, types: [] },
        { issuer: B, types: [] },
      ],
      fetch: fetcher,
      clock,
    }),
    fetch: fetcher,
    clock,
    skewSeconds: 60,
    ownPrefix: 'https://own.example/status/',
    readOwn: () => Promise.reject(new Error('not ours')),
  });

beforeAll(async () => {
  signers = { [A]: await createTestSigner(), [B]: await createTestSigner() };
  const list = new StatusList(1024, 2);
  list.set(7, 1);
  listToken = await signStatusListToken({ uri: LIST, list, clock, expiresInSeconds: 3600, ttlSeconds: 600, signer: signers[A]! });
});

it("hands a list cached for issuer A to no credential of issuer B: B's read fetches it again and refuses A's signature", async () => {
  const c = checker();
  assert.equal(await c.read({ uri: LIST, idx: 7 }, A), 1);
  assert.equal(await c.read({ uri: LIST, idx: 7 }, A), 1);
  assert.equal(fetched.filter((u) => u === LIST).length, 1, "A's second read is served from the cache");
  await assert.rejects(c.read({ uri: LIST, idx: 7 }, B), (e: unknown) => isAppError(e) && e.code === 'status_list_signature_invalid');
  assert.equal(fetched.filter((u) => u === LIST).length, 2, "B's read did not use A's cached list");
});

it('shares one fetch between concurrent verifications of a cold list', async () => {
  const c = checker();
  fetched.length = 0;
  const values = await Promise.all(Array.from({ length: 5 }, () => c.read({ uri: LIST, idx: 7 }, A)));
  assert.deepEqual(values, [1, 1, 1, 1, 1]);
  assert.equal(fetched.filter((u) => u === LIST).length, 1);
});

it("says issuer_keys_unreachable when the list's issuer keys cannot be fetched (not status_list_signature_invalid)", async () => {
  const down: Fetcher = async (url) => {
    if (url.includes('/.well-known/jwt-vc-issuer/')) throw new TypeError('fetch failed');
    return fetcher(url);
  };
  const c = new StatusChecker({
    trust: new IssuerTrust({
      ownIssuer: 'https://own.example',
      ownKeys: { verificationKey: () => undefined, publishedKeys: () => [] },
      trusted: [{ issuer: A, types: [] }],
      fetch: down,
      clock,
    }),
    fetch: down,
    clock,
    skewSeconds: 60,
    ownPrefix: 'https://own.example/status/',
    readOwn: () => Promise.reject(new Error('not ours')),
  });
  await assert.rejects(c.read({ uri: LIST, idx: 7 }, A), (e: unknown) => isAppError(e) && e.code === 'issuer_keys_unreachable');
});

it('fetches no list for an issuer with no web origin (an mdoc under a trusted IACA: x509_hash:…) and for a list off the web, refusing as untrusted', async () => {
  const c = checker();
  fetched.length = 0;
  const untrusted = (e: unknown) => isAppError(e) && e.code === 'status_list_uri_untrusted';
  // It threw a TypeError (new URL of x509_hash:…), a 500 for every foreign mdoc with a status.
  await assert.rejects(c.read({ uri: LIST, idx: 7 }, 'x509_hash:03C5rNaTabcdefghijklmnopqrstuvwxyz012345678'), untrusted);
  // Two opaque origins are both "null": they must not count as the same origin.
  await assert.rejects(c.read({ uri: 'data:text/plain,x', idx: 7 }, 'urn:example:issuer'), untrusted);
  await assert.rejects(c.read({ uri: 'file:///etc/passwd', idx: 7 }, 'urn:example:issuer'), untrusted);
  assert.deepEqual(fetched, []);
});
