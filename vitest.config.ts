import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/time-scale.js';

// Two cores: two test files at a time, each in its own process (per-file isolation, as the
// suites open servers, stores and PKCS#11 modules). Timeouts are for real work on a busy
// machine; TEST_TIMEOUT_SCALE multiplies them all (and the waits in test/helpers).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    pool: 'forks',
    maxWorkers: 2,
    isolate: true,
    fileParallelism: true,
    testTimeout: scaled(120_000),
    hookTimeout: scaled(120_000),
    teardownTimeout: scaled(30_000),
    globalSetup: ['test/setup/build-once.ts'],
    env: { NODE_ENV: 'test' },
    // A test file's console output (diagnostics, skip reasons) stays visible.
    printConsoleTrace: false,
  },
});
