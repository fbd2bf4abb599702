import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/time-scale.js';

// Files that load a PKCS#11 module (initialised once per process), spawn or kill servers, drive
// Chromium or share Redis keep a process of their own. The rest (in-process apps on their own
// temporary stores, pure units) share the two worker processes: a fresh process per file cost
// ~1.3 s of imports each, about a third of the suite's time on two cores.
const OWN_PROCESS = ['test/browser', 'test/cli', 'test/faults', 'test/keys', 'test/scale-out'];

// Two cores: two test files at a time. Timeouts are for real work on a busy machine;
// TEST_TIMEOUT_SCALE multiplies them all (and the waits in test/helpers).
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: scaled(120_000),
    hookTimeout: scaled(120_000),
    teardownTimeout: scaled(30_000),
    globalSetup: ['test/setup/build-once.ts'],
    env: { NODE_ENV: 'test' },
    // A test file's console output (diagnostics, skip reasons) stays visible.
    printConsoleTrace: false,
    projects: [
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS.map((dir) => `${dir}/**/*.test.ts`), isolate: true } },
      {
        extends: true,
        test: {
          name: 'shared-process',
          include: ['test/**/*.test.ts'],
          exclude: [...OWN_PROCESS.map((dir) => `${dir}/**`), 'test/fixtures/**', 'node_modules/**'],
          isolate: false,
        },
      },
    ],
  },
});
