import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { processTree } from './full-flow.js';

export const ROOT = join(import.meta.dirname, '..');

/**
 * How `npm start` runs the server: the environment it sets (`NAME=${NAME:-default}` prefixes, taken
 * at their default unless this process's environment has the variable) and its node flags, so the
 * benchmark measures that same process.
 */
export const START = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /^((?:\w+=\S+ )*)node ((?:--\S+ )*)scripts\/start\.js$/.exec(start);
  if (!m) throw new Error(`package.json "start" does not run [NAME=value …] node … scripts/start.js: ${start}`);
  const env: Record<string, string> = {};
  for (const a of (m[1] as string).split(' ').filter(Boolean)) {
    const [, name, value] = /^(\w+)=(.*)$/.exec(a) as RegExpExecArray;
    const dflt = /^\$\{(\w+):-(.*)\}$/.exec(value as string);
    env[name as string] = dflt ? (process.env[dflt[1] as string] ?? (dflt[2] as string)) : (value as string);
  }
  return { env, flags: (m[2] as string).split(' ').filter(Boolean) };
})();
export const START_FLAGS: string[] = START.flags;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** ms from spawn to the first green /readyz. */
  startMs: number;
  /** Peak resident set size so far (VmHWM), in MB; with WORKERS > 1 the sum over the primary and its workers. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/**
 * Starts the compiled server (dist/) as its own process and waits for /readyz. `root` is the
 * checkout whose build runs (another build of the project, to compare before and after).
 */
/**
 * Servers this process started and has not stopped: killed when it exits, also on SIGINT or
 * SIGTERM (a bench cut short by Ctrl-C or `timeout`), so no server is left running to skew the
 * next measurement.
 */
const running = new Set<ChildProcess>();
const killRunning = () => {
  for (const p of running) p.kill('SIGKILL');
};
process.once('exit', killRunning);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killRunning();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });

export async function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  fixedPort?: number,
  root = ROOT,
): Promise<ServerProcess> {
  const port = fixedPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const proc: ChildProcess = spawn(process.execPath, [...START_FLAGS, ...nodeArgs, join(root, 'dist', 'src', 'server.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...START.env, ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(proc);
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) =>
    proc.once('exit', () => {
      running.delete(proc);
      r();
    }),
  );
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${err}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (performance.now() - t0 > 30_000) throw new Error(`server not ready: ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  // A cluster (WORKERS > 1) is ready for load when every worker listens, not only the first.
  while (Number(env.WORKERS ?? 1) > 1 && !/digital-proof cluster: /.test(err)) {
    if (proc.exitCode !== null || performance.now() - t0 > 30_000) throw new Error(`cluster not ready: ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const startMs = performance.now() - t0;
  return {
    url,
    pid: proc.pid as number,
    startMs,
    peakRssMb: () =>
      processTree(proc.pid as number).reduce((mb, pid) => {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return mb + (m ? Number(m[1]) / 1024 : NaN);
      }, 0),
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the compiled CLI (of `root`'s build). */
export async function dproof(args: string[], env: Record<string, string>, root = ROOT): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`dproof ${args.join(' ')}: ${err}`))));
  });
}
