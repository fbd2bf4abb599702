import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Transport errors, timeouts, and 2xx answers that `expect` refused (a wrong answer is an error). */
  errors: number;
  /** Of `errors`: answers `expect` refused. */
  wrongAnswers: number;
  ok: number;
  /** The fixed request rate of a half-peak run, when it was one. */
  rate?: number;
}

export interface LoadSpec {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Called per request instead of a fixed body/path (fresh nonces, proofs, …). */
  setupRequest?: (req: { path: string; body?: string; headers?: Record<string, string> }) => {
    path: string;
    body?: string;
    headers?: Record<string, string>;
  };
  connections: number;
  seconds: number;
  /**
   * Stop after this many requests instead of after `seconds` (single-use inputs: as many requests
   * as were prepared, so none is a replay); the rate is then requests over the elapsed time.
   */
  amount?: number;
  /** Fixed total request rate (for latency at a given load); omitted = as fast as possible. */
  overallRate?: number;
  /** Checks each 2xx body (e.g. that a verification answered "verified"). */
  expect?: (body: string) => boolean;
}

/** Drives the server from this process (the server is another process) with autocannon. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  let wrongAnswers = 0;
  const expect = spec.expect;
  const onResponse =
    expect &&
    ((status: number, body: string) => {
      if (status >= 200 && status < 300 && !expect(body)) wrongAnswers++;
    });
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: spec.seconds,
    ...(spec.amount !== undefined && { amount: spec.amount }),
    ...(spec.overallRate !== undefined && { overallRate: spec.overallRate }),
    ...((spec.setupRequest || onResponse) && {
      requests: [{ ...(spec.setupRequest && { setupRequest: spec.setupRequest as never }), ...(onResponse && { onResponse }) }],
    }),
  });
  return {
    name: spec.name,
    // autocannon's average is over whole one-second samples, which a run cut short by `amount` lacks.
    reqPerSec: spec.amount === undefined ? result.requests.average : result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts + wrongAnswers,
    wrongAnswers,
    ok: result['2xx'] - wrongAnswers,
    ...(spec.overallRate !== undefined && { rate: spec.overallRate }),
  };
}

/**
 * Peak throughput: the best of a run at each connection count in `sweep` (a server waiting on
 * commits and thread-pool jobs needs more requests in flight than it has cores to be saturated),
 * then p99 at half of that rate (the latency targets are stated there). Every run is returned,
 * so writes made by each can be counted.
 */
export async function peakAndHalf(
  spec: Omit<LoadSpec, 'overallRate'>,
  sweep: readonly number[] = [spec.connections],
): Promise<{ peak: LoadResult; half: LoadResult; runs: LoadResult[] }> {
  const runs: LoadResult[] = [];
  for (const connections of sweep) runs.push(await load({ ...spec, connections, name: `${spec.name}, ${connections} connections` }));
  const peak = runs.reduce((best, r) => (r.reqPerSec > best.reqPerSec ? r : best));
  const half = await load({ ...spec, name: `${spec.name} @ half peak`, overallRate: Math.max(1, Math.floor(peak.reqPerSec / 2)) });
  return { peak, half, runs };
}
