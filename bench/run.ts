/**
 * `npm run bench [-- --quick] [-- --pg]`: builds, starts the real server in its own process,
 * drives it with autocannon, measures in-process baselines in the same run, and writes
 * bench/report.md and bench/report.json. `--quick` (under a minute) catches breakage in CI
 * without asserting speed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { runBaselines } from './baselines.js';
import { load, peakAndHalf, type LoadResult } from './load.js';
import { dproof, startServer, ROOT } from './server-process.js';
import { machine, writeReport, type Ratio } from './report.js';
import { openStore } from '../src/store/store.js';

const quick = process.argv.includes('--quick');
const usePg = process.argv.includes('--pg');
const seconds = quick ? 3 : 10;
const connections = 16;
const TYPE = 'driving-record'; // 10 selectively disclosable claims

async function pgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `dproof_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dproof-bench-'));
  const db = usePg ? await pgDatabase() : undefined;
  const env: Record<string, string> = {
    DATA_DIR: join(dir, 'data'),
    KEYS_DIR: join(dir, 'keys'),
    DPROOF_KEY_PASSPHRASE: 'benchmark-passphrase',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...(db && { DATABASE_URL: db.url }),
  };
  const notes: string[] = [];
  const scenarios: LoadResult[] = [];
  try {
    // Cold start: the first run creates the store and a key; measure the later starts.
    const coldStartMs: number[] = [];
    for (let i = 0; i < (quick ? 2 : 4); i++) {
      const s = await startServer(env);
      if (i > 0) coldStartMs.push(s.startMs);
      await s.stop();
    }
    const { apiKey } = JSON.parse(await dproof(['clients', 'create', '--role', 'issuer', '--name', 'bench', '--rate-limit', '0', '--json'], env)) as { apiKey: string };
    const server = await startServer(env);
    const types = (await (await fetch(`${server.url}/v1/credential-types`)).json()) as { id: string; vct: string; example: Record<string, unknown>; selectively_disclosable: string[] }[];
    const type = types.find((t) => t.id === TYPE);
    if (!type) throw new Error(`no type ${TYPE}`);
    const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

    const issuance = await peakAndHalf({
      name: `POST /v1/credentials (SD-JWT VC, ${type.selectively_disclosable.length} disclosable claims, holder-bound, durable)`,
      url: `${server.url}/v1/credentials`, method: 'POST', headers: auth,
      body: JSON.stringify({ type: TYPE, claims: type.example, holder_jwk: holder }),
      connections, seconds,
    });
    scenarios.push(issuance.peak, issuance.half);

    const one = (await (await fetch(`${server.url}/v1/credentials`, { method: 'POST', headers: auth, body: JSON.stringify({ type: TYPE, claims: type.example }) })).json()) as { status: { list: string } };
    scenarios.push(await load({ name: 'GET status list (statuslist+jwt)', url: one.status.list, connections, seconds }));

    const peakRssMb = server.peakRssMb();
    await server.stop();

    // Zero data loss: every 2xx issuance has its record.
    const store = openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR as string });
    const recorded = await store.credentials.count();
    await store.close();
    const acknowledged = issuance.peak.ok + issuance.half.ok + 1;

    const baselines = await runBaselines({ seconds: quick ? 0.5 : 2, claims: type.example, disclosable: type.selectively_disclosable, vct: type.vct });
    const rate = (name: string) => baselines.find((b) => b.name.startsWith(name))?.opsPerSec ?? NaN;
    const ratios: Ratio[] = [];
    const ratio = (what: string, value: number, target: number, higherIsBetter = true) =>
      ratios.push({ what, value, target, met: higherIsBetter ? value >= target : value <= target });
    ratio('issuance over HTTP ÷ @sd-jwt in-process issue', issuance.peak.reqPerSec / rate('SD-JWT VC issue'), 1);
    ratio('issuance over HTTP ÷ node:crypto ES256 sign', issuance.peak.reqPerSec / rate('ES256 sign (node:crypto)'), 0.5);
    ratio('issuance p99 at half peak (ms)', issuance.half.p99, 25, false);
    ratio('server peak RSS (MB)', peakRssMb, 200, false);
    ratio('cold start to /readyz, median (ms)', [...coldStartMs].sort((a, b) => a - b)[Math.floor(coldStartMs.length / 2)] ?? NaN, 1500, false);
    for (const s of scenarios) if (s.errors > 0 || s.non2xx > 0) notes.push(`${s.name}: ${s.errors} errors, ${s.non2xx} non-2xx`);

    writeReport(join(ROOT, 'bench'), {
      when: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      store: usePg ? 'postgres' : 'sqlite',
      machine: machine(),
      coldStartMs,
      peakRssMb,
      baselines,
      scenarios,
      ratios,
      dataLoss: { acknowledged, recorded, lost: Math.max(0, acknowledged - recorded) },
      notes,
    });
    process.stdout.write(`wrote bench/report.md and bench/report.json\n`);
    if (acknowledged > recorded) {
      process.stderr.write(`DATA LOSS: ${acknowledged - recorded} acknowledged issuances have no record\n`);
      process.exitCode = 1;
    }
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
