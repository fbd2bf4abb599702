/**
 * The full pre-authorized OpenID4VCI flow, as a citizen's wallet and an agency's back office
 * run it, driven end to end from this process against the server in its own: offer by the
 * back-office API → offer fetch by reference → token → nonce → credential with fresh P-256
 * proofs (one key per credential) → this generator's own check of every returned credential.
 *
 * `concurrency` flows run at a time for `seconds` (after a warm-up). The server's CPU is
 * read from /proc before and after (every thread: the event loop, the SQLite writer, libuv's
 * pool), and for PostgreSQL also that of the database's own backends serving the server's
 * connections; the generator reports its own CPU from process.cpuUsage(). One flow at a time,
 * the server's CPU is also charged to each step.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { httpClient, type HttpAnswer, type HttpClient } from './http-client.js';
import { checkIssuedCredential, issuerKeysOf, type IssuerKeys } from './check-issued-credential.js';

export const FLOW_STEPS = ['offer', 'fetch offer', 'token', 'nonce', 'credential'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

export interface FlowSpec {
  name: string;
  base: string;
  /** An issuer client's API key (creates the offers). */
  apiKey: string;
  type: string;
  vct: string;
  claims: object;
  /** Disclosures every credential must carry. */
  minDisclosures: number;
  concurrency: number;
  /** Key proofs (hence credentials) per credential request. */
  batch: number;
  seconds: number;
  warmupFlows?: number;
  /**
   * Keep warming up for at least this long. A few dozen flows leave V8 still compiling the hot
   * paths: measured on this code, the first 4-second window cost about a third more server CPU per
   * credential than the third to fifth. A server runs for days, so the steady state is the figure.
   */
  warmupSeconds?: number;
  serverPid: number;
  /** PIDs whose CPU counts as the database's (PostgreSQL backends of the server's pool). */
  databasePids?: () => Promise<number[]>;
}

export interface Percentiles {
  p50: number;
  p99: number;
}

export interface FlowResult {
  name: string;
  concurrency: number;
  batch: number;
  seconds: number;
  flows: number;
  credentials: number;
  /** Credentials the warm-up flows received (not in the figures; counted for the data-loss check). */
  warmupCredentials: number;
  errors: number;
  errorSamples: string[];
  flowsPerSec: number;
  credentialsPerSec: number;
  flowMs: Percentiles;
  stepMs: Record<FlowStep, Percentiles>;
  /** One flow at a time only: the server's CPU charged to each step, mean ms per flow. */
  stepCpuMs?: Record<FlowStep, number>;
  serverCpuMs: number;
  serverCpuMsPerCredential: number;
  databaseCpuMsPerCredential?: number;
  generatorCpuMsPerCredential: number;
}

/**
 * CPU time of a process's live threads in ms, to the nanosecond (the scheduler's own count in
 * /proc/<pid>/task/<tid>/schedstat): fine enough to charge each step of one flow. Threads that
 * exited are not in it; the server's are long-lived (event loop, SQLite writer, libuv pool).
 */
export function liveThreadsCpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      /* the thread exited meanwhile */
    }
  }
  return ns / 1e6;
}

/** Pids of a process and its descendants (a cluster primary and its workers; a plain server alone). */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone, or a kernel without the file: the process alone */
  }
  return [pid, ...children.flatMap(processTree)];
}

/** The server's CPU: every live thread of the server process and of its workers (WORKERS > 1), in ms. */
export const serverCpuMs = (pid: number) => sumCpuMs(processTree(pid));

const sumCpuMs = (pids: readonly number[]) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + liveThreadsCpuMs(pid);
    } catch {
      return sum; // a backend that exited meanwhile
    }
  }, 0);

const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function proofJwt(privateKey: KeyObject, jwk: { kty: string; crv: string; x: string; y: string }, aud: string, nonce: string): string {
  const input = `${b64u({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk })}.${b64u({ aud, nonce, iat: Math.floor(Date.now() / 1000) })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

class StepFailed extends Error {}

const json = (step: FlowStep, a: HttpAnswer, expected: number): Record<string, unknown> => {
  if (a.status !== expected) throw new StepFailed(`${step}: ${a.status} ${a.body.slice(0, 200)}`);
  return JSON.parse(a.body) as Record<string, unknown>;
};

/**
 * One complete flow; returns each step's duration in ms (and, given `cpuOf`, the server's CPU
 * during each step) and the number of credentials checked.
 */
async function oneFlow(
  http: HttpClient,
  spec: FlowSpec,
  keys: IssuerKeys,
  cpuOf?: () => number,
): Promise<{ steps: number[]; cpu: number[]; credentials: number }> {
  const steps: number[] = [];
  const cpu: number[] = [];
  let t = performance.now();
  let c = cpuOf?.() ?? 0;
  const lap = () => {
    const now = performance.now();
    steps.push(now - t);
    t = now;
    if (cpuOf) {
      const used = cpuOf();
      cpu.push(used - c);
      c = used;
    }
  };
  const offer = json(
    'offer',
    await http.send(
      'POST',
      '/v1/offers',
      { authorization: `Bearer ${spec.apiKey}`, 'content-type': 'application/json' },
      JSON.stringify({ type: spec.type, claims: spec.claims }),
    ),
    201,
  );
  lap();
  const object = json('fetch offer', await http.send('GET', offer.credential_offer_uri as string), 200);
  const grant = (object.grants as Record<string, { 'pre-authorized_code'?: string }>)[
    'urn:ietf:params:oauth:grant-type:pre-authorized_code'
  ];
  lap();
  const form = new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
    'pre-authorized_code': grant?.['pre-authorized_code'] ?? '',
  }).toString();
  const token = json('token', await http.send('POST', '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded' }, form), 200);
  lap();
  const { c_nonce } = json('nonce', await http.send('POST', '/openid4vci/nonce'), 200) as { c_nonce: string };
  lap();
  // One fresh key per credential (§8.3: a key is bound to at most one credential); all proofs share the c_nonce.
  const holders = Array.from({ length: spec.batch }, () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
    return { privateKey, jwk: { kty, crv, x, y } };
  });
  const body = JSON.stringify({
    credential_configuration_id: spec.type,
    proofs: { jwt: holders.map((h) => proofJwt(h.privateKey, h.jwk, spec.base, c_nonce)) },
  });
  const answer = await http.send(
    'POST',
    '/openid4vci/credential',
    { authorization: `Bearer ${token.access_token as string}`, 'content-type': 'application/json' },
    body,
  );
  lap();
  const { credentials } = json('credential', answer, 200) as { credentials: { credential: string }[] };
  if (credentials.length !== spec.batch) throw new StepFailed(`credential: ${credentials.length} credentials for ${spec.batch} proofs`);
  credentials.forEach((c, i) => {
    const wrong = checkIssuedCredential(c.credential, keys, {
      iss: spec.base,
      vct: spec.vct,
      holder: holders[i]!.jwk,
      minDisclosures: spec.minDisclosures,
    });
    if (wrong) throw new StepFailed(`credential ${i + 1} of ${spec.batch}: ${wrong}`);
  });
  return { steps, cpu, credentials: credentials.length };
}

const percentiles = (values: number[]): Percentiles => {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
};

export async function runFlows(spec: FlowSpec): Promise<FlowResult> {
  const http = httpClient(spec.base, spec.concurrency);
  try {
    const jwks = JSON.parse((await http.send('GET', '/.well-known/jwks.json')).body) as Parameters<typeof issuerKeysOf>[0];
    const keys = issuerKeysOf(jwks);
    // Warm-up: JIT, statement caches and keep-alive sockets, outside the measurement.
    const warm = spec.warmupFlows ?? spec.concurrency * 2;
    const warmUntil = performance.now() + (spec.warmupSeconds ?? 0) * 1000;
    let warmupCredentials = 0;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async (_, w) => {
        for (let i = w; i < warm || performance.now() < warmUntil; i += spec.concurrency) {
          // Not `n += await …`: that reads n before the await and loses the other flows' counts.
          const r = await oneFlow(http, spec, keys);
          warmupCredentials += r.credentials;
        }
      }),
    );

    const flowMs: number[] = [];
    const stepMs: number[][] = FLOW_STEPS.map(() => []);
    // With one flow at a time, the server's CPU between two answers belongs to the step between them.
    const cpuOf = spec.concurrency === 1 ? () => serverCpuMs(spec.serverPid) : undefined;
    const stepCpu = FLOW_STEPS.map(() => 0);
    const errorSamples: string[] = [];
    let errors = 0;
    let credentials = 0;
    const dbPids = (await spec.databasePids?.()) ?? [];
    const serverBefore = serverCpuMs(spec.serverPid);
    const dbBefore = sumCpuMs(dbPids);
    const genBefore = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + spec.seconds * 1000;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          try {
            const r = await oneFlow(http, spec, keys, cpuOf);
            flowMs.push(performance.now() - start);
            r.steps.forEach((ms, i) => stepMs[i]!.push(ms));
            r.cpu.forEach((ms, i) => (stepCpu[i]! += ms));
            credentials += r.credentials;
          } catch (e) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(e instanceof Error ? e.message : String(e));
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const gen = process.cpuUsage(genBefore);
    const serverUsedMs = serverCpuMs(spec.serverPid) - serverBefore;
    const dbCpuMs = sumCpuMs(dbPids) - dbBefore;
    const per = (ms: number) => (credentials > 0 ? ms / credentials : NaN);
    return {
      name: spec.name,
      concurrency: spec.concurrency,
      batch: spec.batch,
      seconds: elapsed,
      flows: flowMs.length,
      credentials,
      warmupCredentials,
      errors,
      errorSamples,
      flowsPerSec: flowMs.length / elapsed,
      credentialsPerSec: credentials / elapsed,
      flowMs: percentiles(flowMs),
      stepMs: Object.fromEntries(FLOW_STEPS.map((s, i) => [s, percentiles(stepMs[i]!)])) as Record<FlowStep, Percentiles>,
      ...(cpuOf && {
        stepCpuMs: Object.fromEntries(FLOW_STEPS.map((s, i) => [s, stepCpu[i]! / flowMs.length])) as Record<FlowStep, number>,
      }),
      serverCpuMs: serverUsedMs,
      serverCpuMsPerCredential: per(serverUsedMs),
      ...(dbPids.length > 0 && { databaseCpuMsPerCredential: per(dbCpuMs) }),
      generatorCpuMsPerCredential: per((gen.user + gen.system) / 1000),
    };
  } finally {
    http.close();
  }
}
