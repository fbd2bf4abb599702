/**
 * What the counter engagement tests share: an app on a store with the rate limits off (they make
 * many handles and redeems from one address), the holder's handle, a clerk's redeem of it with an
 * age check, and the wallet's wait.
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { HeldWaits } from '../../src/presentation/engagement/held-waits.js';

export interface Engagement {
  handle: string;
  link: string;
  wait_token: string;
  expires_in: number;
}

export interface WaitAnswer {
  status: string;
  authorization_request?: string;
}

export interface EngagementWorld {
  t: TestApp;
  /** A DCQL query for `age_over_19` of a resident ID. */
  dcql: Record<string, unknown>;
  /** POST /v1/wallet/engagements: a new handle (201). */
  engage(): Promise<Engagement>;
  /** POST /v1/verifier/engagements with the world's query, as it answers. */
  redeem(key: string, engagement: string, language?: string): Promise<LightMyRequestResponse>;
  /** GET /v1/wallet/engagements/request?wait=0 with the wait token (200). */
  wait(waitToken: string): Promise<WaitAnswer>;
  /** GET /v1/wallet/engagements/request?wait=<seconds> with the wait token from `address`, as it answers. */
  longPoll(waitToken: string, seconds: number, address: string): Promise<LightMyRequestResponse>;
}

/** `heldWaits`: the bounds on held waits (default: the service's own). */
export async function startEngagementWorld(store: 'sqlite' | 'postgres', opts: { heldWaits?: HeldWaits } = {}): Promise<EngagementWorld> {
  const t = await startTestApp({
    store,
    env: { RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0', RATE_LIMIT_PER_REFERENCE_PER_MINUTE: '0' },
    heldWaits: opts.heldWaits,
  });
  const type = t.runtime.catalog.get('resident-id')!;
  const dcql = {
    credentials: [
      { id: 'adult', format: 'dc+sd-jwt', meta: { vct_values: [type.vct] }, claims: [{ path: ['age_over_19'], values: [true] }] },
    ],
  };
  return {
    t,
    dcql,
    engage: async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/wallet/engagements' });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<Engagement>();
    },
    redeem: (key, engagement, language = 'en') =>
      t.app.inject({
        method: 'POST',
        url: '/v1/verifier/engagements',
        headers: { authorization: `Bearer ${key}`, 'accept-language': language },
        payload: { engagement, dcql_query: dcql },
      }),
    wait: async (waitToken) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/wallet/engagements/request?wait=0',
        headers: { authorization: `Bearer ${waitToken}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<WaitAnswer>();
    },
    longPoll: (waitToken, seconds, address) =>
      t.app.inject({
        method: 'GET',
        url: `/v1/wallet/engagements/request?wait=${seconds}`,
        headers: { authorization: `Bearer ${waitToken}` },
        remoteAddress: address,
      }),
  };
}
