/**
 * The top of a `node --cpu-prof` profile, as text: self time by function and by module, and
 * total (inclusive) time of this project's own functions.
 *
 *   tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--skip SECONDS]
 *
 * `--skip` leaves out the first seconds of the profile (start-up, warm-up). Frames in the bundled
 * server (dist/src/chunks/…) are named by the module esbuild put there (its `// path` comments).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { numberOption, parseOptions } from './cli-options.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseOptions({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, skip: { type: 'string', default: '0' } },
});
const top = numberOption('top', values.top, 25, 1, 10_000, true);
const skipUs = numberOption('skip', values.skip, 0, 0, 86_400) * 1e6;

const shortPath = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\/src\//, 'src/')
    .replace(/^node:/, 'node:');

/** Per bundle file (dist/src/server.js, dist/src/chunks/…): the lines where esbuild's `// path` comments start each module. */
const bundleMarks = new Map<string, { line: number; path: string }[]>();
/** The source module a line of a bundle came from (esbuild writes `// src/…` or `// …/node_modules/…` before each). */
function bundledFrom(url: string, line: number): string | undefined {
  if (!url.startsWith('file://') || !url.includes('/dist/src/')) return undefined;
  let marks = bundleMarks.get(url);
  if (!marks) {
    marks = [];
    try {
      readFileSync(fileURLToPath(url), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const m = /^\/\/ (\S+\.(?:[cm]?js|ts|json))$/.exec(text);
          if (m) marks!.push({ line: i, path: m[1]! });
        });
    } catch {
      /* the build is gone: keep the bundle's own name */
    }
    bundleMarks.set(url, marks);
  }
  let found: string | undefined;
  for (let lo = 0, hi = marks.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]!.line <= line) {
      found = marks[mid]!.path;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
/** Where a frame's code lives: its module, also inside a bundle. */
const shortUrl = (url: string, line = 0) => {
  const from = bundledFrom(url, line);
  return from ? shortPath(from) : shortPath(url);
};

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Time per sample: the delta to the next sample.
  const selfUs = new Map<number, number>();
  let at = 0;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs]
    .filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName))
    .reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url, n.callFrame.lineNumber)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const module = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    if (['(idle)', '(program)'].includes(n.callFrame.functionName)) continue;
    self.set(label(n), (self.get(label(n)) ?? 0) + us);
    const m = shortUrl(n.callFrame.url, n.callFrame.lineNumber) || n.callFrame.functionName;
    module.set(m, (module.get(m) ?? 0) + us);
    // Inclusive time of our own frames (each counted once per stack).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur)!;
      const from = bundledFrom(c.callFrame.url, c.callFrame.lineNumber);
      if (from !== undefined ? !from.startsWith('src/') : !c.callFrame.url.includes('/src/') || c.callFrame.url.includes('node_modules'))
        continue;
      const l = label(c);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const print = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      process.stdout.write(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
  };
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages are of busy time)\n`,
  );
  print('self time by function', self);
  print('self time by module', module);
  print("total time of this project's functions", inclusive);
}
