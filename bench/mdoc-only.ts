/**
 * `node scripts/build.js && tsx bench/mdoc-only.ts [--quick] [--cpu-prof DIR]`: only the mdoc scenarios of
 * `npm run bench` (bench/mdoc-bench.ts), against a fresh store, with the server optionally under
 * `node --cpu-prof` (profiles written to DIR when it stops). For profiling and before/after figures:
 * besides req/s it prints CPU per operation, server against library, which a busy machine moves less.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchEnv } from './bench-env.js';
import { dproof, startServer } from './server-process.js';
import { loadCatalog } from '../src/catalog/load-catalog.js';
import { schemasDir } from '../src/paths.js';
import { runMdocBench } from './mdoc-bench.js';

const quick = process.argv.includes('--quick');
const profAt = process.argv.indexOf('--cpu-prof');
const profDir = profAt >= 0 ? resolve(process.argv[profAt + 1] as string) : undefined;

const dir = mkdtempSync(join(tmpdir(), 'dproof-mdoc-bench-'));
const env = benchEnv(dir);
try {
  await dproof(['keys', 'iaca', '--name', 'bench IACA'], env);
  await dproof(['keys', 'ds'], env);
  const create = async (role: string) =>
    (
      JSON.parse(await dproof(['clients', 'create', '--role', role, '--name', `bench-${role}`, '--rate-limit', '0', '--json'], env)) as {
        apiKey: string;
      }
    ).apiKey;
  const issuerKey = await create('issuer');
  const verifierKey = await create('verifier');
  const server = await startServer(env, profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
  try {
    const type = (await loadCatalog({ dir: join(schemasDir, 'credentials'), publicUrl: server.url })).get('driver-license');
    if (!type?.mdoc) throw new Error('no mdoc layout for driver-license');
    const load0 = loadavg()[0];
    const r = await runMdocBench({ url: server.url, issuerKey, verifierKey, type, quick, connections: 16, serverPid: server.pid });
    const line = (name: string, http: { reqPerSec: number; p50: number; p99: number; errors: number; non2xx: number }, lib: number) =>
      `${name}: ${http.reqPerSec.toFixed(1)} req/s (p50 ${http.p50} ms, p99 ${http.p99} ms, ${http.errors} errors, ${http.non2xx} non-2xx) ÷ library ${lib.toFixed(1)}/s = ${(http.reqPerSec / lib).toFixed(2)}×`;
    console.log(line('issuance', r.issuance, r.library.issue));
    console.log(line('verification', r.verify, r.library.verify));
    // CPU per operation: the server's (every thread) against the library's in-process (every thread
    // of the bench process while it alone runs). Less moved than req/s by what else the machine runs.
    const cpuLine = (name: string, server: number, lib: number) =>
      `${name} CPU: server ${server.toFixed(2)} ms/answer, library ${lib.toFixed(2)} ms/op = ${(lib / server).toFixed(2)}× (library ÷ server)`;
    console.log(cpuLine('issuance', r.serverCpuMs!.issuance, r.library.issueCpuMs));
    console.log(cpuLine('verification', r.serverCpuMs!.verify, r.library.verifyCpuMs));
    console.log(
      `replayed ${r.replayed}; library runs ${JSON.stringify(r.library.runs)}; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
    );
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
