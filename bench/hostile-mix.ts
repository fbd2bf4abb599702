/**
 * The hostile mix (issue 14): deep, wide and large bodies and bad tokens at the anonymous
 * endpoints (and at API-key routes with a valid key, where the body is read), driven as fast as
 * autocannon can while /healthz is sampled one request at a time. The server's own event-loop
 * delay comes from its /metrics (prom-client's monitorEventLoopDelay; a scrape resets it), so
 * "no request blocks the loop for more than ~50 ms" is measured in the server, not guessed from
 * latencies on a shared machine.
 */
import autocannon from 'autocannon';

export interface HostileKind {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HostileResult {
  requests: number;
  /** Offered rate of the all-at-once part, requests per second. */
  rate: number;
  /** Answers by class: the mix must get 4xx only. */
  status: { '2xx': number; '4xx': number; '5xx': number; other: number };
  errors: number;
  worstEventLoopDelayMs: number;
  healthz: { samples: number; p50: number; p99: number; max: number };
  /** Each kind alone (five in a row): the worst event-loop delay it caused, ms. */
  perKind: { name: string; status: number; worstEventLoopDelayMs: number }[];
}

const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const wideObject = (members: number) => `{${Array.from({ length: members }, (_, i) => `"k${i}":0`).join(',')}}`;
const form = (fields: number) => Array.from({ length: fields }, (_, i) => `f${i}=1`).join('&');

export function hostileKinds(apiKey: string): HostileKind[] {
  const json = { 'content-type': 'application/json' };
  const formType = { 'content-type': 'application/x-www-form-urlencoded' };
  const badToken = { authorization: `Bearer ${'A'.repeat(43)}` };
  return [
    {
      name: 'credential endpoint, no token, 900 kB of nested brackets',
      method: 'POST',
      path: '/openid4vci/credential',
      headers: json,
      body: nested(450_000),
    },
    {
      name: 'credential endpoint, unknown token, 900 kB of nested brackets',
      method: 'POST',
      path: '/openid4vci/credential',
      headers: { ...json, ...badToken },
      body: nested(450_000),
    },
    {
      name: 'credential endpoint, malformed Authorization, 60 kB wide object',
      method: 'POST',
      path: '/openid4vci/credential',
      headers: { ...json, authorization: 'Bearer a b' },
      body: wideObject(6000),
    },
    {
      name: 'token endpoint, 60 kB form of 6,000 fields',
      method: 'POST',
      path: '/oauth/token',
      headers: formType,
      body: form(6000).slice(0, 60_000),
    },
    { name: 'token endpoint, 60 kB JSON nested 30,000 deep', method: 'POST', path: '/oauth/token', headers: json, body: nested(30_000) },
    {
      name: 'token endpoint, 2 MB body (over its limit)',
      method: 'POST',
      path: '/oauth/token',
      headers: formType,
      body: `code=${'x'.repeat(2_000_000)}`,
    },
    { name: 'nonce endpoint, 60 kB wide JSON', method: 'POST', path: '/openid4vci/nonce', headers: json, body: wideObject(6000) },
    {
      name: 'direct_post, 900 kB form of 100,000 fields',
      method: 'POST',
      path: '/openid4vp/response',
      headers: formType,
      body: form(100_000).slice(0, 900_000),
    },
    {
      name: 'direct_post, vp_token of 300,000 nested brackets',
      method: 'POST',
      path: '/openid4vp/response',
      headers: formType,
      body: `state=${'A'.repeat(22)}&vp_token=${encodeURIComponent(nested(150_000))}`,
    },
    { name: 'offer fetch, unknown reference', method: 'GET', path: `/openid4vci/credential-offer/${'B'.repeat(43)}`, headers: {} },
    { name: 'request object, unknown id', method: 'GET', path: '/openid4vp/requests/x', headers: {} },
    {
      name: 'history, forged token',
      method: 'GET',
      path: '/v1/wallet/history',
      headers: { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA' },
    },
    {
      name: 'verifier request, wrong API key, 900 kB nested',
      method: 'POST',
      path: '/v1/verifier/requests',
      headers: { ...json, authorization: 'Bearer dproof_c0000000000000000_nope' },
      body: nested(450_000),
    },
    {
      name: 'issuance with a valid key, 900 kB object of 90,000 members',
      method: 'POST',
      path: '/v1/credentials',
      headers: { ...json, authorization: `Bearer ${apiKey}` },
      body: `{"type":"driving-record","claims":${wideObject(90_000)}}`,
    },
    {
      name: 'issuance with a valid key, 10,000-deep claims',
      method: 'POST',
      path: '/v1/credentials',
      headers: { ...json, authorization: `Bearer ${apiKey}` },
      body: `{"type":"driving-record","claims":{"a":${nested(10_000)}}}`,
    },
    {
      name: 'issuance with a valid key, a 1 MB string claim',
      method: 'POST',
      path: '/v1/credentials',
      headers: { ...json, authorization: `Bearer ${apiKey}` },
      body: `{"type":"driving-record","claims":{"family_name":"${'가'.repeat(340_000)}"}}`,
    },
  ];
}

async function eventLoopMaxMs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^dproof_nodejs_eventloop_lag_max_seconds ([0-9.e+-]+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
}

/**
 * One request of a kind, its status. A transport error (EPIPE / ECONNRESET while a refused body is
 * still being written) is a failure of the run: the server reads the rest of a refused body
 * (src/http/linger-after-refusal.ts) so that every client sees its 4xx.
 */
async function sendOnce(url: string, k: HostileKind): Promise<number> {
  const res = await fetch(`${url}${k.path}`, { method: k.method, headers: k.headers, body: k.body });
  await res.arrayBuffer();
  return res.status;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/**
 * `rate`: hostile requests per second for the all-at-once part. As fast as possible would measure
 * queueing on a saturated 2-core machine, not blocking; the default is what one address may send
 * under the default per-address ceiling (RATE_LIMIT_PER_ADDRESS_PER_MINUTE 6000 = 100/s).
 */
export async function runHostileMix(
  url: string,
  apiKey: string,
  opts: { seconds: number; connections: number; rate?: number },
): Promise<HostileResult> {
  const kinds = hostileKinds(apiKey);
  const status = { '2xx': 0, '4xx': 0, '5xx': 0, other: 0 };
  // Each kind alone first: what one request of it costs the loop.
  const perKind: HostileResult['perKind'] = [];
  for (const k of kinds) {
    await eventLoopMaxMs(url); // resets the server's histogram
    let last = 0;
    for (let i = 0; i < 5; i++) last = await sendOnce(url, k);
    perKind.push({ name: k.name, status: last, worstEventLoopDelayMs: await eventLoopMaxMs(url) });
  }

  // Then all of them at once, with /healthz sampled one request at a time.
  await eventLoopMaxMs(url);
  let n = 0;
  let running = true;
  const latencies: number[] = [];
  const sampler = (async () => {
    while (running) {
      const t0 = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    overallRate: opts.rate ?? 100,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const k = kinds[n++ % kinds.length] as HostileKind;
          return { ...req, method: k.method, path: k.path, headers: k.headers, ...(k.body !== undefined && { body: k.body }) };
        },
        onResponse: (code: number) => {
          if (code >= 200 && code < 300) status['2xx']++;
          else if (code >= 400 && code < 500) status['4xx']++;
          else if (code >= 500) status['5xx']++;
          else status.other++;
        },
      },
    ] as never,
  });
  running = false;
  await sampler;
  const worst = await eventLoopMaxMs(url);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    rate: opts.rate ?? 100,
    status,
    errors: result.errors + result.timeouts,
    worstEventLoopDelayMs: worst,
    healthz: { samples: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN },
    perKind,
  };
}
