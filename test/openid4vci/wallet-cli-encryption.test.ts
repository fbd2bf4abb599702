/**
 * `dproof wallet receive` and encrypted credential requests (OpenID4VCI 1.0 §8.2, §10): against
 * an issuer that requires encrypted requests the wallet encrypts them (a plain one would be
 * refused); with `--encrypt` it asks for an encrypted response too, which the issuer only takes in
 * an encrypted request (§8.2), and the wallet refuses a clear answer when it asked for an
 * encrypted one. Real server over HTTP, the built CLI, both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { makeOffer } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`dproof wallet with encrypted credential requests on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let dir: string;
    beforeAll(async () => {
      t = await startTestApp({
        store: backend,
        listen: true,
        env: { RATE_LIMIT_PER_MINUTE: '0', CREDENTIAL_REQUEST_ENCRYPTION_REQUIRED: 'true' },
      });
      issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-wallet-enc-'));
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const offerLink = async () =>
      (await makeOffer(t, issuerKey, { type: 'resident-id', claims: t.runtime.catalog.get('resident-id')!.example })).offer;

    it('encrypts its requests where the metadata says encryption_required, and with --encrypt gets an encrypted response', async () => {
      const env = { DPROOF_WALLET: join(dir, 'w.json') };
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 0);
      const plain = await runDproof(['wallet', 'receive', await offerLink(), '--batch', '2', '--json'], env);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal((JSON.parse(plain.stdout) as unknown[]).length, 2);
      const encrypted = await runDproof(['wallet', 'receive', await offerLink(), '--encrypt', '--json'], env);
      assert.equal(encrypted.code, 0, encrypted.stderr);
      assert.equal((JSON.parse(encrypted.stdout) as unknown[]).length, 1);
      assert.equal((JSON.parse((await runDproof(['wallet', 'list', '--json'], env)).stdout) as unknown[]).length, 3);
    });
  });
}
