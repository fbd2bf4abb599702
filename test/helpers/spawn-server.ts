import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { scaled } from './time-scale.js';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The compiled sources (test/setup/build-once.ts compiles them before the run). */
export const COMPILED = join(ROOT, 'dist', 'src');
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

export interface SpawnedServer {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  /** SIGKILL, and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** What the server prints once it accepts connections (src/server.ts). */
const LISTENING = /digital-proof listening on /;

/**
 * Starts the compiled server (dist/src/server.js) in its own process, waits for its "listening"
 * line, then for /readyz to be green. It fails at once if the process exits first; the only
 * deadline is `timeoutMs` (default 30 s) times TEST_TIMEOUT_SCALE, for a server that hangs.
 */
export async function spawnServer(env: Record<string, string>, opts: { port?: number; timeoutMs?: number } = {}): Promise<SpawnedServer> {
  const port = opts.port ?? (await freePort());
  const proc = spawn(process.execPath, [join(COMPILED, 'server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const limitMs = scaled(opts.timeoutMs ?? 30_000);
  const deadline = Date.now() + limitMs;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`server exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready within ${limitMs} ms (TEST_TIMEOUT_SCALE scales this):\n${out}`);
    }
    if (LISTENING.test(out)) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    proc,
    output: () => out,
    kill9: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

export interface DproofResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `dproof` command in this process (runCli) with only `env`, and collects its output.
 * With KEY_BACKEND=pkcs11 it runs the compiled CLI in its own process instead: a PKCS#11 module
 * is initialised once per process (SoftHSM reads its token folder then), as operators run it.
 */
export async function runDproof(args: string[], env: Record<string, string>): Promise<DproofResult> {
  if (env.KEY_BACKEND === 'pkcs11') return spawnDproof(args, env);
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env: { ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/**
 * Runs the compiled CLI (dist/src/cli/main.js) in its own process: the smoke tests of the real
 * command. `stdin`: text piped to its standard input (none by default).
 */
export async function spawnDproof(args: string[], env: Record<string, string>, stdin?: string): Promise<DproofResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(COMPILED, 'cli', 'main.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) p.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
