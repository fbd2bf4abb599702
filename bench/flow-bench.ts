/**
 * The full-flow scenarios on their own, for profiling and for comparing builds:
 *
 *   tsx bench/flow-bench.ts [--quick] [--pg] [--seconds N] [--only TEXT] [--workers N]
 *                           [--root DIR]... [--cpu-prof DIR] [--node-arg ARG]... [--json FILE]
 *                           [--repeat N] [--warmup SECONDS] [--portrait CHARS]
 *
 * Each `--root` is a built checkout (default: this one); with several, every scenario runs on
 * each build in turn (before/after back to back, so the machine's drift hits both alike).
 * `--cpu-prof DIR` runs the servers under `node --cpu-prof` and leaves the profiles in DIR;
 * `--node-arg` passes a flag to the servers' node (e.g. `--node-arg=--max-semi-space-size=16`).
 * `--repeat N` measures each scenario N times back to back on the same servers: the later windows
 * show the JIT's steady state, which a warm-up of a few dozen flows does not reach.
 * `--warmup S` runs unmeasured flows for S seconds before each measurement (default 4, 0 with
 * `--quick`), as `npm run bench` does.
 * `--workers N` runs each server as a cluster of N processes (WORKERS=N); CPU and RSS are then
 * summed over the primary and its workers.
 * `--portrait CHARS` gives the credential a portrait of that many characters (random base64url
 * after the JPEG marker the type's pattern asks for; a citizen's photo is 10–20 KB) instead of the
 * type example's tiny one, so what the flow does with large claims shows.
 * `npm run bench` runs the same scenarios on its own server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { numberOption, parseOptions } from './cli-options.js';
import { benchEnv, pgDatabase } from './bench-env.js';
import { dproof, ROOT, startServer, type ServerProcess } from './server-process.js';
import { FLOW_SCENARIOS, flowTypeOf, runFlowScenario, type FlowTarget } from './flow-scenarios.js';
import { flowTable } from './write-flow-report.js';
import type { FlowResult } from './full-flow.js';

const { values } = parseOptions({
  options: {
    quick: { type: 'boolean', default: false },
    pg: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    only: { type: 'string' },
    root: { type: 'string', multiple: true },
    'cpu-prof': { type: 'string' },
    'node-arg': { type: 'string', multiple: true },
    json: { type: 'string' },
    workers: { type: 'string' },
    repeat: { type: 'string' },
    warmup: { type: 'string' },
    portrait: { type: 'string' },
  },
});

const seconds = numberOption('seconds', values.seconds, values.quick ? 2 : 8, 0.1, 3600);
const warmupSeconds = numberOption('warmup', values.warmup, values.quick ? 0 : 4, 0, 3600);
const repeat = numberOption('repeat', values.repeat, 1, 1, 100, true);
// The checked number is what the server gets (`1.0` goes as `1`), not the text as typed.
const workers = values.workers === undefined ? undefined : String(numberOption('workers', values.workers, 1, 1, 64, true));
const roots = (values.root ?? [ROOT]).map((r) => resolve(r));
// The type's own bounds (resident-id: 100–20,000 characters): anything else would only fill the run with 400s.
const portraitChars = values.portrait === undefined ? undefined : numberOption('portrait', values.portrait, 0, 100, 20_000, true);
const portrait =
  portraitChars === undefined
    ? undefined
    : `_9j_${randomBytes(portraitChars)
        .toString('base64url')
        .slice(0, portraitChars - 4)}`;
const scenarios = FLOW_SCENARIOS.filter((s) => !values.only || s.label.includes(values.only));

interface Build {
  root: string;
  server: ServerProcess;
  target: FlowTarget;
  cleanup: () => Promise<void>;
}

async function startBuild(root: string): Promise<Build> {
  const dir = mkdtempSync(join(tmpdir(), 'dproof-flow-'));
  const db = values.pg ? await pgDatabase() : undefined;
  const env = { ...benchEnv(dir, db?.url), ...(workers && { WORKERS: workers }) };
  const profile = [
    ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : []),
    ...(values['node-arg'] ?? []),
  ];
  // The first start makes the store and the signing key; the client is made between two starts.
  await (await startServer(env, [], undefined, root)).stop();
  const { apiKey } = JSON.parse(
    await dproof(['clients', 'create', '--role', 'issuer', '--name', 'bench', '--rate-limit', '0', '--json'], env, root),
  ) as { apiKey: string };
  const server = await startServer(env, profile, undefined, root);
  return {
    root,
    server,
    target: { url: server.url, pid: server.pid, apiKey, env },
    cleanup: async () => {
      await server.stop();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const builds: Build[] = [];
try {
  for (const root of roots) builds.push(await startBuild(root));
  const results: FlowResult[] = [];
  const load: number[] = [loadavg()[0]!];
  for (const scenario of scenarios) {
    for (let round = 1; round <= repeat; round++) {
      for (const b of builds) {
        const build = builds.length > 1 ? `${b.root === ROOT ? 'this build' : b.root}: ` : '';
        const prefix = `${build}${repeat > 1 ? `window ${round}: ` : ''}`;
        // The type's vct is an absolute URL under each server's own public URL.
        const type = await flowTypeOf(b.target.url);
        if (portrait !== undefined) type.example = { ...type.example, portrait };
        results.push(await runFlowScenario(b.target, type, scenario, seconds, prefix, warmupSeconds));
        load.push(loadavg()[0]!);
      }
    }
  }
  const rss = builds.map((b) => `${b.root}: ${b.server.peakRssMb().toFixed(0)} MB`).join('; ');
  process.stdout.write(
    `${flowTable(results).join('\n')}\n\nStore: ${values.pg ? 'postgres' : 'sqlite'}${portrait ? `, portrait of ${portrait.length} characters` : ''}${workers ? `, ${workers} worker processes` : ''}. Peak server RSS: ${rss}. 1-minute load average during the run: ${load.map((l) => l.toFixed(2)).join(', ')}.\n`,
  );
  for (const r of results) for (const e of r.errorSamples) process.stdout.write(`error in "${r.name}": ${e}\n`);
  if (values.json)
    writeFileSync(
      values.json,
      `${JSON.stringify({ when: new Date().toISOString(), store: values.pg ? 'postgres' : 'sqlite', load, results }, null, 2)}\n`,
    );
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
} finally {
  for (const b of builds) await b.cleanup();
}
