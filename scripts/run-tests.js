#!/usr/bin/env node
// Runs test/**/*.test.ts with vitest (vitest.config.ts: two files at a time, each in its own
// process). Arguments filter files by path, as before: `node scripts/run-tests.js store cli/`.
// Suites that need PostgreSQL, Redis, Chromium or SoftHSM run when TEST_DATABASE_URL /
// TEST_REDIS_URL / TEST_BROWSER / TEST_SOFTHSM are set (.ci/run sets them all); otherwise they
// skip, and the end of the output says which and why. With CI=true a missing variable fails the
// run before any test starts: in CI those suites must run, never skip silently.
//
// `--checks` (what `npm test` passes) first runs `npm run typecheck` and `npm run lint` side by
// side (each is mostly one thread: 43 s for both instead of 64 s one after the other, on two
// cores); when one fails, no test runs. Beside the tests, even at the lowest CPU priority
// (SCHED_IDLE), they slowed the test files by 10-15%, more than they saved.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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

const started = Date.now();
const args = process.argv.slice(2);
const withChecks = args.includes('--checks');
const filters = args.filter((a) => a !== '--checks');

/** Runs `command` with its output kept; resolves to its exit code and output. */
function run(command, argv) {
  const child = spawn(command, argv);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

// The package.json scripts themselves, so `npm run typecheck` / `npm run lint` stay the one definition:
// through the npm that runs `npm test` (npm_execpath, a JavaScript file), else `npm` on the PATH.
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
if (withChecks) {
  const scripts = ['typecheck', 'lint'];
  const checked = await Promise.all(scripts.map((script) => run(npm[0], [...npm[1], 'run', '--silent', script])));
  checked.forEach((r, i) => r.code !== 0 && console.error(`npm run ${scripts[i]} failed (exit ${r.code}):\n${r.output}`));
  if (checked.some((r) => r.code !== 0)) process.exit(1);
  console.log(`npm run typecheck, npm run lint: ok in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const reportDir = mkdtempSync(join(tmpdir(), 'dproof-test-report-'));
const report = join(reportDir, 'vitest.json');
const res = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...filters],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
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
console.log(`${counts} in ${seconds} s${withChecks ? ' (typecheck and lint included)' : ''}`);
process.exit(res.status ?? 1);
