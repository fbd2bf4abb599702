#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (through tsx for TypeScript).
// Two cores here: two test files at a time. Suites that need PostgreSQL or Chromium run when
// TEST_DATABASE_URL / TEST_BROWSER / TEST_SOFTHSM are set (.ci/run sets them) and say why they skipped otherwise.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : walk(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });

const filter = process.argv.slice(2);
const files = walk('test')
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

const skipped = [];
if (!process.env.TEST_DATABASE_URL) skipped.push('PostgreSQL suites: TEST_DATABASE_URL is not set (.ci/run sets it)');
if (!process.env.TEST_REDIS_URL) skipped.push('Redis suites (rate limits across nodes): TEST_REDIS_URL is not set (.ci/run sets it)');
if (!process.env.TEST_BROWSER) skipped.push('browser suites: TEST_BROWSER is not set (.ci/run sets it)');
if (!process.env.TEST_SOFTHSM) skipped.push('PKCS#11 (HSM) suites: TEST_SOFTHSM is not set (path to SoftHSM 2\'s libsofthsm2.so; .ci/run installs softhsm2 and sets it)');
for (const s of skipped) console.log(`skipping ${s}`);

const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
for (const s of skipped) console.log(`skipped ${s}`);
process.exit(res.status ?? 1);
