import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { Baseline } from './baselines.js';
import type { LoadResult } from './load.js';
import type { HostileResult } from './hostile-mix.js';
import type { SignerComparison } from './signer-comparison.js';
import type { FlowRun } from './flow-scenarios.js';
import { flowTable } from './write-flow-report.js';

export interface Ratio {
  what: string;
  value: number;
  target: number;
  met: boolean;
}

export interface Report {
  when: string;
  mode: 'quick' | 'full';
  store: 'sqlite' | 'postgres';
  machine: { cpus: number; cpuModel: string; node: string };
  coldStartMs: number[];
  peakRssMb: number;
  baselines: Baseline[];
  scenarios: LoadResult[];
  ratios: Ratio[];
  dataLoss: { acknowledged: number; recorded: number; lost: number };
  hostile?: HostileResult;
  /** `--signer pkcs11`: issuance with SoftHSM against the file signer. */
  signers?: SignerComparison;
  flows?: FlowRun;
  notes: string[];
}

export const machine = () => ({ cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version });

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function signerSection(c: SignerComparison | undefined): string[] {
  if (!c) return [];
  if ('skipped' in c) return ['## Signers: file vs SoftHSM (PKCS#11)', '', `Skipped: ${c.skipped}.`, ''];
  const row = (what: string, x: { reqPerSec: number; p50: number; p99: number }, d = 0) =>
    `| ${what} | ${f(x.reqPerSec, d ? 2 : 0)} | ${f(x.p50, d || 1)} | ${f(x.p99, d || 1)} |`;
  return [
    '## Signers: file vs SoftHSM (PKCS#11)',
    '',
    `Issuance (the SD-JWT VC scenario above) against two servers side by side, one with the file signer and one with its key in a SoftHSM token (\`${c.module}\`, initialised by the benchmark), runs alternated ${c.runs.map((x) => (x.signer === 'file' ? 'F' : 'H')).join('-')}; means of the runs (each run is in the HTTP table).`,
    '',
    '| signer | req/s | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    row('file (encrypted key file, node:crypto)', c.file),
    row('SoftHSM (KEY_BACKEND=pkcs11, module thread)', c.pkcs11),
    row('**SoftHSM ÷ file**', c.ratio, 2),
    '',
  ];
}

export function writeReport(dir: string, r: Report): void {
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(r, null, 2)}\n`);
  const lines = [
    `# digital-proof benchmark (${r.mode}, ${r.store} store${r.signers ? ', file signer vs SoftHSM' : ''})`,
    '',
    `${r.when} · ${r.machine.cpus} CPU (${r.machine.cpuModel}) · Node ${r.machine.node}`,
    '',
    '## HTTP scenarios (server in its own process, autocannon from this one)',
    '',
    '| scenario | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...r.scenarios.map(
      (s) =>
        `| ${s.name}${s.rate ? ` (${s.rate} req/s offered)` : ''} | ${f(s.reqPerSec)} | ${f(s.p50, 1)} | ${f(s.p99, 1)} | ${s.non2xx} | ${s.errors} |`,
    ),
    '',
    ...(r.flows
      ? [
          '## Full OpenID4VCI flow (pre-authorized code), every credential checked by the load generator',
          '',
          "Offer (back-office API) → offer by reference → token → nonce → credential with fresh P-256 proofs; the generator (node:http, keep-alive) checks each credential's signature, `cnf` and disclosures. Server CPU is every thread of the server process, read from /proc before and after; per step, one flow at a time. Each scenario is measured after unmeasured warm-up flows (4 s in the full run), so the figures are the JIT's steady state.",
          '',
          ...flowTable(r.flows.results),
          '',
          `Data loss check: ${r.flows.dataLoss.acknowledged} credentials delivered by the flows (warm-ups included), ${r.flows.dataLoss.recorded} records added to the registry meanwhile, ${r.flows.dataLoss.lost} lost.`,
          '',
        ]
      : []),
    ...(r.hostile
      ? [
          '## Hostile mix: what a refused request costs the server',
          '',
          "Each kind alone (five in a row), then all of them at once while `/healthz` is sampled; the event-loop delay is the server's own (`dproof_nodejs_eventloop_lag_max_seconds`, 10 ms resolution).",
          '',
          '| hostile request | answer | worst event-loop delay ms |',
          '| --- | ---: | ---: |',
          ...r.hostile.perKind.map((k) => `| ${k.name} | ${k.status} | ${f(k.worstEventLoopDelayMs, 1)} |`),
          `| **all at once**, ${r.hostile.rate} req/s (${r.hostile.requests} requests: ${r.hostile.status['4xx']} 4xx, ${r.hostile.status['5xx']} 5xx, ${r.hostile.errors} transport errors: a refused body is read to its end up to 8 MiB, so there should be none) | | **${f(r.hostile.worstEventLoopDelayMs, 1)}** |`,
          '',
          `/healthz meanwhile: p50 ${f(r.hostile.healthz.p50, 1)} ms, p99 ${f(r.hostile.healthz.p99, 1)} ms, max ${f(r.hostile.healthz.max, 1)} ms over ${r.hostile.healthz.samples} samples.`,
          '',
        ]
      : []),
    ...signerSection(r.signers),
    '## In-process baselines (same machine, same run)',
    '',
    'Measured before the HTTP scenarios and again after them; ratios use the mean.',
    '',
    '| operation | ops/s (mean) | before | after |',
    '| --- | ---: | ---: | ---: |',
    ...r.baselines.map(
      (b) =>
        `| ${b.name} | ${f(b.opsPerSec)} | ${b.runs?.[0] !== undefined ? f(b.runs[0]) : ''} | ${b.runs?.[1] !== undefined ? f(b.runs[1]) : ''} |`,
    ),
    '',
    '## Targets',
    '',
    '| what | measured | target | met |',
    '| --- | ---: | ---: | :---: |',
    ...r.ratios.map((x) => `| ${x.what} | ${f(x.value, 2)} | ${x.target} | ${x.met ? 'yes' : '**no**'} |`),
    '',
    `Cold start to /readyz: ${r.coldStartMs.map((m) => `${f(m)} ms`).join(', ')}. Peak server RSS: ${f(r.peakRssMb)} MB.`,
    '',
    `Data loss check: ${r.dataLoss.acknowledged} issuances acknowledged with 2xx, ${r.dataLoss.recorded} records in the registry, ${r.dataLoss.lost} lost.`,
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
  ];
  writeFileSync(join(dir, 'report.md'), lines.join('\n'));
}
