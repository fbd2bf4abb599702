#!/usr/bin/env node
// Runs test/**/*.test.ts with vitest (vitest.config.ts: two files at a time, each in its own
// process). Arguments filter files by path, as before: `node scripts/run-tests.js store cli/`.
// Suites that need PostgreSQL, Redis, Chromium or SoftHSM run when TEST_DATABASE_URL /
// TEST_REDIS_URL / TEST_BROWSER / TEST_SOFTHSM are set (.ci/run sets them all); otherwise they
// skip, and the end of the output says which and why. With CI=true a missing variable fails the
// run before any test starts: in CI those suites must run, never skip silently.
//
// `--checks` (what `npm test` passes) also runs `npm run typecheck` and `npm run lint` at the same
// time as the tests, at a lower CPU priority: run first, one after the other, they took ~64 s of
// the suite's ~390 s on two cores, while the tests leave about a fifth of the CPU idle (processes
// starting, fsync, the browser). A check that fails is printed as soon as it ends and fails the run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const PARTS = [
  ['TEST_DATABASE_URL', 'PostgreSQL suites (every store suite on PostgreSQL, two nodes, lock faults)'],
  ['TEST_REDIS_URL', 'Redis suites (rate limits across nodes)'],
  ['TEST_BROWSER', 'browser suites (path to a Chromium binary)'],
  ['TEST_SOFTHSM', "PKCS#11 (HSM) suites (path to SoftHSM 2's libsofthsm2.so)"],
];
const missing = PARTS.filter(([name]) => !process.env[name]);
const skipped = missing.map(([name, part]) => `${part}: ${name} is not set (.ci/run sets it)`);

if (process.env.CI === 'true' && missing.length > 0) {
  for (const s of skipped) console.error(`CI=true and ${s}`);
  console.error(`refusing to run: in CI these suites must run (set ${missing.map(([n]) => n).join(', ')})`);
  process.exit(1);
}
for (const s of skipped) console.log(`skipping ${s}`);

const require = createRequire(import.meta.url);
const bin = (pkg, path) => join(dirname(require.resolve(`${pkg}/package.json`)), path);
const args = process.argv.slice(2);
const withChecks = args[0] === '--checks';
const filters = withChecks ? args.slice(1) : args;

/** Runs `command`, its output kept unless `inherit`; resolves to its exit code and output. */
function run(command, argv, options = {}) {
  const child = spawn(command, argv, { stdio: options.inherit ? 'inherit' : 'pipe', env: options.env ?? process.env });
  if (options.nice) {
    try {
      setPriority(child.pid, 10); // before npm starts the check, so the check inherits it
    } catch {
      /* not allowed here: it runs at the same priority */
    }
  }
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// The package.json scripts themselves, so `npm run typecheck` / `npm run lint` stay the one definition.
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
const checks = withChecks
  ? ['typecheck', 'lint'].map(async (script) => {
      const began = Date.now();
      const r = await run(npm[0], [...npm[1], 'run', '--silent', script], { nice: true });
      const line = `npm run ${script}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} in ${((Date.now() - began) / 1000).toFixed(0)} s`;
      if (r.code !== 0) console.error(`\n${line}\n${r.output}`);
      return { ok: r.code === 0, line };
    })
  : [];

const vitest = bin('vitest', 'vitest.mjs');
const reportDir = mkdtempSync(join(tmpdir(), 'dproof-test-report-'));
const report = join(reportDir, 'vitest.json');
const started = Date.now();
const res = await run(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...filters],
  {
    inherit: true,
    env: { ...process.env, NODE_ENV: 'test' },
  },
);
const checked = await Promise.all(checks);
const seconds = ((Date.now() - started) / 1000).toFixed(0);

let counts = 'no test report (vitest did not finish)';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  counts =
    `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped` +
    ` (${r.testResults.length} files, ${r.testResults.filter((f) => f.status === 'failed').length} failed)`;
} catch {
  /* counts stays as said */
}
rmSync(reportDir, { recursive: true, force: true });
console.log('');
for (const s of skipped) console.log(`skipped ${s}`);
for (const c of checked) console.log(c.line);
console.log(`${counts} in ${seconds} s`);
process.exit(res.code !== 0 ? res.code : checked.every((c) => c.ok) ? 0 : 1);
