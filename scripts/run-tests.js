#!/usr/bin/env node
// Runs test/**/*.test.ts with vitest (vitest.config.ts: two files at a time, each in its own
// process). Arguments filter files by path, as before: `node scripts/run-tests.js store cli/`.
// Suites that need PostgreSQL, Redis, Chromium or SoftHSM run when TEST_DATABASE_URL /
// TEST_REDIS_URL / TEST_BROWSER / TEST_SOFTHSM are set (.ci/run sets them all); otherwise they
// skip, and the end of the output says which and why. With CI=true a missing variable fails the
// run before any test starts: in CI those suites must run, never skip silently.
import { spawnSync } from 'node:child_process';
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

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const reportDir = mkdtempSync(join(tmpdir(), 'dproof-test-report-'));
const report = join(reportDir, 'vitest.json');
const started = Date.now();
const res = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
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
console.log(`${counts} in ${seconds} s`);
process.exit(res.status ?? 1);
