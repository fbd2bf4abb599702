/**
 * The full-flow scenarios of `npm run bench` (issue 22): single-credential flows and batches of
 * 10, 16 flows at a time and one at a time, against one running server. Also counts the
 * registry before and after, so an acknowledged credential without its record fails the run.
 */
import pg from 'pg';
import { openStore } from '../src/store/store.js';
import { runFlows, type FlowResult } from './full-flow.js';

export const FLOW_TYPE = 'resident-id';

export interface FlowScenario {
  label: string;
  concurrency: number;
  batch: number;
}

export const FLOW_SCENARIOS: readonly FlowScenario[] = [
  { label: 'single credential, 16 flows at a time', concurrency: 16, batch: 1 },
  { label: 'single credential, one flow at a time', concurrency: 1, batch: 1 },
  { label: 'batch of 10, 16 flows at a time', concurrency: 16, batch: 10 },
  { label: 'batch of 10, one flow at a time', concurrency: 1, batch: 10 },
];

export interface FlowTarget {
  url: string;
  pid: number;
  apiKey: string;
  env: Record<string, string>;
}

interface TypeInfo {
  id: string;
  vct: string;
  example: Record<string, unknown>;
  selectively_disclosable: string[];
}

/** The PostgreSQL backends serving `databaseUrl` (the server's pool), not this query's own. */
function backendsOf(databaseUrl: string): () => Promise<number[]> {
  return async () => {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const r = await c.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      return r.rows.map((x) => x.pid);
    } finally {
      await c.end();
    }
  };
}

export async function flowTypeOf(url: string): Promise<TypeInfo> {
  const types = (await (await fetch(`${url}/v1/credential-types`)).json()) as TypeInfo[];
  const type = types.find((t) => t.id === FLOW_TYPE);
  if (!type) throw new Error(`no type ${FLOW_TYPE}`);
  return type;
}

/** Runs one scenario against one server. */
export async function runFlowScenario(
  target: FlowTarget,
  type: TypeInfo,
  scenario: FlowScenario,
  seconds: number,
  prefix = '',
  warmupSeconds = 0,
): Promise<FlowResult> {
  const databaseUrl = target.env.DATABASE_URL;
  return runFlows({
    name: `${prefix}${scenario.label}`,
    base: target.url,
    apiKey: target.apiKey,
    type: type.id,
    vct: type.vct,
    claims: type.example,
    minDisclosures: type.selectively_disclosable.length,
    concurrency: scenario.concurrency,
    batch: scenario.batch,
    seconds,
    warmupSeconds,
    serverPid: target.pid,
    ...(databaseUrl && { databasePids: backendsOf(databaseUrl) }),
  });
}

export interface FlowRun {
  results: FlowResult[];
  dataLoss: { acknowledged: number; recorded: number; lost: number };
}

/** Every scenario in turn; `acknowledged` counts the credentials the warm-ups got too. */
export async function runFlowScenarios(target: FlowTarget, seconds: number, warmupSeconds = 0): Promise<FlowRun> {
  const type = await flowTypeOf(target.url);
  const count = async () => {
    const store = openStore({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.DATA_DIR as string });
    try {
      return await store.credentials.count();
    } finally {
      await store.close();
    }
  };
  const before = await count();
  const results: FlowResult[] = [];
  let acknowledged = 0;
  for (const scenario of FLOW_SCENARIOS) {
    const r = await runFlowScenario(target, type, scenario, seconds, '', warmupSeconds);
    results.push(r);
    acknowledged += r.credentials + r.warmupCredentials;
  }
  const recorded = (await count()) - before;
  return { results, dataLoss: { acknowledged, recorded, lost: Math.max(0, acknowledged - recorded) } };
}
