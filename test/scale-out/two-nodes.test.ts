/**
 * Two server processes on one PostgreSQL database (different ports, one PUBLIC_URL, as behind a
 * load balancer) behave as one service. PostgreSQL only: the embedded store is single-node by
 * design. Rate limits across nodes need the shared counters in Redis (REDIS_URL); that case
 * runs when TEST_REDIS_URL is set (.ci/run sets it and starts Redis).
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { makeStoreTarget, pgAvailable, type StoreTarget } from '../helpers/stores.js';
import { runDproof, spawnServer, type SpawnedServer } from '../helpers/spawn-server.js';
import { holderKey } from '../openid4vci/vci-helpers.js';
import { createOfferOver, credentialOver, get, nonceOver, postJson, tokenOver } from '../helpers/vci-over-http.js';

const PUBLIC_URL = 'https://id.dproof.test';
const skip = pgAvailable() ? false : 'TEST_DATABASE_URL is not set (.ci/run sets it): two nodes need a shared PostgreSQL';
const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(skip)('two nodes on one PostgreSQL', () => {
  let target: StoreTarget;
  let a: SpawnedServer;
  let b: SpawnedServer;
  let apiKey: string;
  let type: { id: string; example: object };

  beforeAll(async () => {
    target = await makeStoreTarget('postgres');
    // The first node migrates and makes the first key; the second starts on the same database.
    const env = { ...target.env, PUBLIC_URL, STATUS_TTL_SECONDS: '5', ...(redisUrl && { REDIS_URL: redisUrl }) };
    a = await spawnServer(env);
    b = await spawnServer(env);
    apiKey = (
      JSON.parse(
        (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'two nodes', '--rate-limit', '0', '--json'], target.env))
          .stdout,
      ) as { apiKey: string }
    ).apiKey;
    const types = (await get(`${a.url}/v1/credential-types`)).body as unknown as { id: string; example: object }[];
    type = types.find((x) => x.id === 'civil-servant-id') as { id: string; example: object };
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await target?.cleanup();
  });

  it('redeems on node B an offer created on node A, and issues there', async () => {
    const offer = await createOfferOver(a.url, apiKey, type);
    // The wallet follows the offer link to whichever node the balancer picks: B.
    const byRef = await get(`${b.url}${new URL(offer.uri).pathname}`);
    assert.equal(byRef.status, 200);
    const token = await tokenOver(b.url, offer.code);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    // The code is single use on every node.
    assert.equal((await tokenOver(a.url, offer.code)).body.error, 'invalid_grant');
    const nonce = (await nonceOver(a.url)).body.c_nonce as string;
    const issued = await credentialOver(b.url, PUBLIC_URL, token.body.access_token as string, type.id, holderKey(), nonce);
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.equal((issued.body.credentials as unknown[]).length, 1);
  });

  it('refuses on node B a c_nonce already consumed on node A', async () => {
    const nonce = (await nonceOver(b.url)).body.c_nonce as string;
    const first = await createOfferOver(a.url, apiKey, type);
    const second = await createOfferOver(b.url, apiKey, type);
    const t1 = (await tokenOver(a.url, first.code)).body.access_token as string;
    const t2 = (await tokenOver(b.url, second.code)).body.access_token as string;
    const onA = await credentialOver(a.url, PUBLIC_URL, t1, type.id, holderKey(), nonce);
    assert.equal(onA.status, 200, JSON.stringify(onA.body));
    const onB = await credentialOver(b.url, PUBLIC_URL, t2, type.id, holderKey(), nonce);
    assert.equal(onB.status, 400);
    assert.equal(onB.body.error, 'invalid_nonce');
    // B's request consumed nothing: its offer can still be issued with a fresh nonce.
    const fresh = (await nonceOver(b.url)).body.c_nonce as string;
    assert.equal((await credentialOver(b.url, PUBLIC_URL, t2, type.id, holderKey(), fresh)).status, 200);
  });

  it('shows on node B, within the status list ttl, a revocation made on node A', async () => {
    const issued = await postJson(`${b.url}/v1/credentials`, { type: type.id, claims: type.example }, apiKey);
    assert.equal(issued.status, 201);
    const { list, index } = issued.body.status as { list: string; index: number };
    const listPath = new URL(list).pathname;
    const statusOn = async (node: SpawnedServer) => {
      const r = await fetch(`${node.url}${listPath}`);
      assert.equal(r.status, 200);
      return getListFromStatusListJWT(await r.text()).getStatus(index);
    };
    assert.equal(await statusOn(b), 0);
    const ttl = Number((await fetch(`${b.url}${listPath}`)).headers.get('cache-control')?.match(/max-age=(\d+)/)?.[1]);
    assert.equal(ttl, 5);

    const revoked = await postJson(`${a.url}/v1/credentials/${issued.body.id as string}/revoke`, { reason: 'test' }, apiKey);
    assert.equal(revoked.status, 200);
    const at = Date.now();
    while ((await statusOn(b)) !== 1) {
      assert.ok(Date.now() - at < ttl * 1000, `node B still shows the credential valid ${ttl} s after the revocation on A`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`# revocation on A visible on B after ${Date.now() - at} ms (ttl ${ttl} s)`);
  });

  it.skipIf(redisUrl ? false : 'TEST_REDIS_URL is not set (.ci/run sets it): shared rate limits need Redis')(
    'holds one client rate limit across both nodes (Redis)',
    async () => {
      for (const node of [a, b]) {
        const metrics = await (await fetch(`${node.url}/metrics`)).text();
        assert.match(metrics, /^dproof_rate_limit_store_up 1$/m, `node ${node.port} is not connected to Redis at ${redisUrl}`);
      }
      const limited = (
        JSON.parse(
          (await runDproof(['clients', 'create', '--role', 'issuer', '--name', 'limited', '--rate-limit', '10', '--json'], target.env))
            .stdout,
        ) as { apiKey: string }
      ).apiKey;
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) {
        const node = i % 2 === 0 ? a : b;
        const r = await fetch(`${node.url}/v1/credentials?limit=1`, { headers: { authorization: `Bearer ${limited}` } });
        statuses.push(r.status);
        if (r.status === 429) assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
      }
      // Ten in the minute in all, whichever node answered; per-node memory would have let 16 through.
      assert.deepEqual(statuses, [...Array(10).fill(200), ...Array(6).fill(429)]);
    },
  );
});
