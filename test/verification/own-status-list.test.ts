/**
 * Our own status lists are read in-process, and a token already verified is not verified again
 * while the publisher hands out the same string. What must not be lost by that: the time
 * checks (an expired list still fails), a changed token is checked anew (a bad one fails), and
 * a key withdrawn since is noticed within seconds.
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import type { JWK } from 'jose';
import { fixedClock } from '../../src/clock.js';
import { IssuerTrust, type OwnKeys } from '../../src/verification/issuer-trust.js';
import { StatusChecker } from '../../src/verification/status-checker.js';
import { signStatusListToken } from '../../src/formats/status-list/status-list-token.js';
import { StatusList } from '../../src/formats/status-list/status-list-codec.js';
import type { SigningAlg } from '../../src/keys/signer.js';
import { createTestSigner, type TestSigner } from '../status/test-signer.js';

const ISSUER = 'https://issuer.example';
const URI = `${ISSUER}/status/list1`;
const T0 = 1_800_000_000_000;

async function setup() {
  const signer = await createTestSigner();
  const other = await createTestSigner();
  const published = new Set<TestSigner>([signer]);
  const ownKeys: OwnKeys = {
    verificationKey: (kid) => {
      const s = [...published].find((k) => k.kid === kid);
      return s ? { jwk: s.publicJwk as JWK, alg: 'ES256' as SigningAlg } : undefined;
    },
    publishedKeys: () => [...published].map((s) => ({ kid: s.kid, alg: 'ES256' as SigningAlg, jwk: s.publicJwk as JWK })),
  };
  const clock = fixedClock(T0);
  const trust = new IssuerTrust({ ownIssuer: ISSUER, ownKeys, trusted: [], fetch: () => Promise.reject(new Error('no fetch')), clock });
  const list = new StatusList(1024, 2);
  list.set(5, 1);
  const sign = (by: TestSigner, expiresInSeconds = 3600) =>
    signStatusListToken({ uri: URI, list, clock, expiresInSeconds, ttlSeconds: 60, signer: by });
  let token = await sign(signer);
  let reads = 0;
  const checker = new StatusChecker({
    trust,
    fetch: () => Promise.reject(new Error('own lists are never fetched')),
    clock,
    skewSeconds: 0,
    ownPrefix: `${ISSUER}/status/`,
    readOwn: async () => {
      reads++;
      return token;
    },
  });
  return { checker, clock, signer, other, published, sign, setToken: (t: string) => (token = t), reads: () => reads };
}

const failsWith = async (p: Promise<unknown>, code: string) => {
  await assert.rejects(p, (e: { code?: string }) => e.code === code, `expected ${code}`);
};

describe('own status lists, checked once per token', () => {
  it('still refuses the same token once it has expired', async () => {
    const s = await setup();
    s.setToken(await s.sign(s.signer, 3));
    assert.equal(await s.checker.read({ uri: URI, idx: 5 }, ISSUER), 1);
    assert.equal(await s.checker.read({ uri: URI, idx: 6 }, ISSUER), 0);
    // Past its exp, but sooner than the memo's own recheck: the time check must run on the memo.
    s.clock.advance(3_500);
    await failsWith(s.checker.read({ uri: URI, idx: 5 }, ISSUER), 'status_list_token_expired');
    assert.ok(s.reads() >= 3, 'the publisher is asked every time');
  });

  it('checks a changed token anew: one signed by a key we do not publish is refused', async () => {
    const s = await setup();
    assert.equal(await s.checker.read({ uri: URI, idx: 5 }, ISSUER), 1);
    s.setToken(await s.sign(s.other));
    await failsWith(s.checker.read({ uri: URI, idx: 5 }, ISSUER), 'status_list_signature_invalid');
  });

  it('notices within seconds that the key of an unchanged token was withdrawn', async () => {
    const s = await setup();
    assert.equal(await s.checker.read({ uri: URI, idx: 5 }, ISSUER), 1);
    s.published.clear();
    s.clock.advance(6_000);
    await failsWith(s.checker.read({ uri: URI, idx: 5 }, ISSUER), 'status_list_signature_invalid');
  });
});
