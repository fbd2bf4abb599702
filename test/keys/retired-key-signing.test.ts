/**
 * No node ever signs with a retired key. Two runtimes share one store (as two nodes behind a
 * balancer); node 1 polls the key table at once after each key command (as the admin route
 * does), node 2 lags: it polls only every KEY_REFRESH_MS, so it still holds the old ring after a
 * rotation. Through generate → rotate → retire → rotate → retire, both nodes issue and serve a
 * status list after every step, and every signature's `kid` is checked against the key states
 * in the store at that moment (never retired, published by both nodes, signature valid against
 * the other node's JWKS). Retiring the displaced key inside the handover window is refused
 * (key_in_handover), even with force: a lagging node may still sign with it.
 */
import { it } from 'vitest';
import assert from 'node:assert/strict';
import { compactVerify, importJWK, type JWK } from 'jose';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { storeTargets } from '../helpers/stores.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { loadConfig } from '../../src/config.js';
import { openRuntime, type Runtime } from '../../src/boot.js';
import { buildApp } from '../../src/app.js';
import { createLogger } from '../../src/http/logger.js';
import { retireKey, rotateKey } from '../../src/keys/manage-keys.js';
import { handoverWindowMs } from '../../src/keys/key-ring.js';
import { AppError } from '../../src/errors.js';
import { parseSdJwt } from '../../src/formats/sd-jwt/parse-sd-jwt.js';
import { parseCompactJws } from '../../src/formats/jose/parse-compact-jws.js';

/** Long enough that no real poll fires during the test: the test polls on the shifted clock. */
const KEY_REFRESH_MS = 60_000;
/** The JWKS cache lifetime counts into the handover too (a shorter one than the default keeps the test short). */
const JWKS_MAX_AGE_S = 20;
const HANDOVER_MS = handoverWindowMs({ keyRefreshMs: KEY_REFRESH_MS, jwksMaxAgeS: JWKS_MAX_AGE_S });
const TIMING_ENV = { KEY_REFRESH_MS: String(KEY_REFRESH_MS), JWKS_MAX_AGE: String(JWKS_MAX_AGE_S) };
const STEP_MS = 5_000;

interface Node {
  name: string;
  app: FastifyInstance;
  runtime: Runtime;
  lastPoll: number;
}

for (const backend of storeTargets()) {
  it(`no node signs with a retired key through rotate → retire → rotate, with a lagging second node (${backend})`, async () => {
    const t: TestApp = await startTestApp({ store: backend, env: { ...TIMING_ENV, RATE_LIMIT_PER_MINUTE: '0' } });
    const clock = t.clock;
    const logger = createLogger('silent');
    const runtime2 = await openRuntime(loadConfig({ ...t.target.env, ...TIMING_ENV }), logger, clock);
    const app2 = await buildApp(runtime2, logger);
    await app2.ready();
    const node1: Node = { name: 'node 1', app: t.app, runtime: t.runtime, lastPoll: clock.now() };
    const node2: Node = { name: 'node 2', app: app2, runtime: runtime2, lastPoll: clock.now() };
    const nodes = [node1, node2];
    try {
      const apiKey = await t.apiKey('issuer');
      const type = t.runtime.catalog.get('civil-servant-id');
      assert.ok(type);
      const store = t.runtime.store;
      const deps = { store, keyStore: t.runtime.keyStore, clock, actor: 'test' };
      const retireOpts = { latestExpiry: (kid: string) => store.credentials.latestExpiryByKid(kid), handoverMs: HANDOVER_MS };
      const poll = async (n: Node) => {
        await n.runtime.keys.refresh();
        n.lastPoll = clock.now();
      };
      /** Moves time on; each node polls whenever KEY_REFRESH_MS has passed since its last poll. */
      const advance = async (ms: number) => {
        clock.advance(ms);
        for (const n of nodes) if (clock.now() - n.lastPoll >= KEY_REFRESH_MS) await poll(n);
      };
      const jwksOf = async (n: Node) => (await n.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: JWK[] }>().keys;

      const signed: { node: string; what: string; kid: string; step: string }[] = [];
      /** A JWS one node just made: its kid is not retired now, and both nodes publish it and verify it. */
      const checkSignature = async (n: Node, jws: string, what: string, step: string) => {
        const kid = parseCompactJws(jws).header.kid as string;
        signed.push({ node: n.name, what, kid, step });
        const state = (await store.keys.get(kid))?.state;
        assert.ok(state === 'active' || state === 'retiring', `${step}: ${n.name} signed a ${what} with key ${kid}, which is ${state}`);
        for (const other of nodes) {
          const jwk = (await jwksOf(other)).find((k) => k.kid === kid);
          assert.ok(jwk, `${step}: ${n.name} signed a ${what} with ${kid}, which ${other.name} does not publish`);
          await compactVerify(jws, await importJWK(jwk, jwk.alg));
        }
      };
      const statusUris = new Set<string>();
      const issueEverywhere = async (step: string) => {
        for (const n of nodes) {
          const res: LightMyRequestResponse = await n.app.inject({
            method: 'POST',
            url: '/v1/credentials',
            headers: { authorization: `Bearer ${apiKey}` },
            payload: { type: type.id, claims: type.example },
          });
          assert.equal(res.statusCode, 201, `${step}: ${n.name} issues: ${res.body}`);
          const body = res.json<{ credential: string; status: { list: string } }>();
          statusUris.add(new URL(body.status.list).pathname);
          await checkSignature(n, parseSdJwt(body.credential).jwt, 'credential', step);
          for (const path of statusUris) {
            const list = await n.app.inject({ method: 'GET', url: path });
            assert.equal(list.statusCode, 200, `${step}: ${n.name} serves ${path}`);
            await checkSignature(n, list.body, 'status list', step);
          }
        }
      };
      /** JWKS: public members only; a node that has polled since the last change lists exactly the active and retiring keys. */
      const checkJwks = async (step: string) => {
        const live = (await store.keys.list()).filter((k) => k.state !== 'retired').map((k) => k.kid);
        for (const n of nodes) {
          const keys = await jwksOf(n);
          for (const k of keys) assert.ok(!('d' in k) && !('p' in k) && !('q' in k), `${step}: ${n.name} publishes a private member`);
          if (n.lastPoll >= lastChange) assert.deepEqual(keys.map((k) => k.kid).sort(), [...live].sort(), `${step}: ${n.name} JWKS`);
        }
      };
      const refusal = async (p: Promise<unknown>) =>
        p.then(
          () => 'accepted',
          (e: unknown) => (e instanceof AppError ? e.code : String(e)),
        );
      /** Issues on both nodes every STEP_MS through one handover window. */
      const runThroughHandover = async (label: string) => {
        for (let waited = 0; waited <= HANDOVER_MS; waited += STEP_MS) {
          await issueEverywhere(`${label} +${waited} ms`);
          await checkJwks(`${label} +${waited} ms`);
          await advance(STEP_MS);
        }
      };
      let lastChange = clock.now();

      await issueEverywhere('start');
      const first = (await store.keys.list())[0];
      assert.ok(first);

      for (const round of ['first rotation', 'second rotation']) {
        const { active, retiring } = await rotateKey(deps, t.config.keyAlg, { handoverMs: HANDOVER_MS });
        assert.ok(retiring);
        lastChange = clock.now();
        await poll(node1); // node 2 keeps its old ring until its own next poll
        await issueEverywhere(`${round}: just rotated`);
        // The engineer's sequence: retire the displaced key at once. Node 2 has not polled yet
        // and still signs with it, so retiring now is refused, with force too.
        assert.equal(await refusal(retireKey(deps, retiring, { ...retireOpts, force: true })), 'key_in_handover');
        await issueEverywhere(`${round}: retire refused`);
        await runThroughHandover(round);
        assert.equal(await refusal(retireKey(deps, retiring, retireOpts)), 'key_still_in_use');
        const { forced } = await retireKey(deps, retiring, { ...retireOpts, force: true });
        assert.equal(forced, true);
        lastChange = clock.now();
        await poll(node1);
        await issueEverywhere(`${round}: ${retiring} retired`);
        await checkJwks(`${round}: retired`);
        await advance(KEY_REFRESH_MS);
        await issueEverywhere(`${round}: every node polled`);
        await checkJwks(`${round}: every node polled`);
        assert.equal(signed.at(-1)?.kid, active.kid, `${round}: signing moved to the new key`);
      }
      // Every node signed with every key at some point, so the check above covered all of them.
      const kids = new Set(signed.map((s) => s.kid));
      assert.equal(kids.size, 3);
      assert.ok(kids.has(first.kid));
    } finally {
      await app2.close();
      await runtime2.close();
      await t.close();
    }
  }, 120_000);
}
