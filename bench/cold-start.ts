/**
 * Cold start to /readyz of built checkouts, as `npm start` runs them (same node flags):
 *
 *   tsx bench/cold-start.ts [--root DIR]... [--runs N] [--workers N] [--node-arg ARG]... [--fresh]
 *
 * Each run is a new server process on a store made by a first, unmeasured start (so migrations
 * and the first key are not counted; the catalogue's stamp, checked-stamp.ts, is in place as on
 * any start after the first); with `--fresh`, on a new empty data and keys folder each time (a
 * first run: migrations, the passphrase file and the first key are counted). With several `--root`s the builds start in turn, run by run, so the
 * machine's drift hits them alike. Reports the median and the spread of the wall time from spawn
 * to the first green /readyz, and of the server's CPU until then (every thread, from
 * /proc/<pid>/task/<tid>/schedstat): on a busy machine the CPU figure is the one to compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { numberOption, parseOptions } from './cli-options.js';
import { benchEnv } from './bench-env.js';
import { ROOT, startServer } from './server-process.js';
import { serverCpuMs } from './full-flow.js';

const { values } = parseOptions({
  options: {
    root: { type: 'string', multiple: true },
    runs: { type: 'string', default: '7' },
    workers: { type: 'string' },
    // Extra node flags for the measured starts (after `npm start`'s own), e.g. --node-arg=--max-semi-space-size=8.
    'node-arg': { type: 'string', multiple: true },
    fresh: { type: 'boolean', default: false },
  },
});
const roots = (values.root ?? [ROOT]).map((r) => resolve(r));
const runs = numberOption('runs', values.runs, 7, 1, 1000, true);
// The checked number is what the server gets (`1.0` goes as `1`), not the text as typed.
const workers = values.workers === undefined ? undefined : String(numberOption('workers', values.workers, 1, 1, 64, true));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

const dirs = roots.map(() => mkdtempSync(join(tmpdir(), 'dproof-cold-')));
try {
  const envs = dirs.map((d) => ({ ...benchEnv(d), ...(workers && { WORKERS: workers }) }));
  // One port per build for every start.
  const ports = roots.map((_, i) => 47_000 + ((process.pid + i * 97) % 2000));
  if (!values.fresh) for (const [i, root] of roots.entries()) await (await startServer(envs[i]!, [], ports[i], root)).stop();
  const wall: number[][] = roots.map(() => []);
  const cpu: number[][] = roots.map(() => []);
  const load = [loadavg()[0]!];
  for (let r = 0; r < runs; r++) {
    for (const [i, root] of roots.entries()) {
      if (values.fresh) rmSync(dirs[i]!, { recursive: true, force: true });
      const s = await startServer(envs[i]!, values['node-arg'] ?? [], ports[i], root);
      cpu[i]!.push(serverCpuMs(s.pid));
      wall[i]!.push(s.startMs);
      await s.stop();
    }
    load.push(loadavg()[0]!);
  }
  process.stdout.write(
    '| build | wall ms to /readyz, median (range) | server CPU ms until then, median (range) |\n| --- | ---: | ---: |\n',
  );
  for (const [i, root] of roots.entries()) {
    process.stdout.write(
      `| ${root} | ${median(wall[i]!).toFixed(0)} (${spread(wall[i]!)}) | ${median(cpu[i]!).toFixed(0)} (${spread(cpu[i]!)}) |\n`,
    );
  }
  process.stdout.write(
    `\n${runs} runs each${workers ? `, WORKERS=${workers}` : ''}${values.fresh ? ', each on a new store (first run)' : ''}. 1-minute load average: ${load.map((l) => l.toFixed(1)).join(', ')}.\n`,
  );
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
