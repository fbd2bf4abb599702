import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { openRuntime } from '../src/boot.js';
import { createLogger } from '../src/http/logger.js';

describe('openRuntime', () => {
  it('refuses to start when a configuration list names no credential configuration of the catalogue, before opening the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dproof-boot-'));
    try {
      for (const name of ['DPOP_REQUIRED', 'WALLET_ATTESTATION_REQUIRED', 'KEY_ATTESTATION_REQUIRED', 'DEFERRED_CONFIGURATIONS']) {
        const config = loadConfig({ DATA_DIR: join(dir, 'data'), KEYS_DIR: join(dir, 'keys'), [name]: 'driver-license,driver_license' });
        await assert.rejects(
          openRuntime(config, createLogger('silent')),
          (e: unknown) => e instanceof ConfigError && e.variable === name && e.message.includes('"driver_license"'),
          name,
        );
      }
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
