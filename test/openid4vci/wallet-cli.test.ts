import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { verifySdJwtVc } from '../../src/formats/sd-jwt-vc/verify-sd-jwt-vc.js';
import { makeOffer } from './vci-helpers.js';

for (const backend of storeTargets()) {
  describe(`dproof wallet against a server on ${backend}`, () => {
    let t: TestApp;
    let issuerKey: string;
    let dir: string;
    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
      dir = mkdtempSync(join(tmpdir(), 'dproof-wallet-'));
    });
    afterAll(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('init → receive (tx_code, batch) → list takes a fresh offer to stored, verifiable credentials', async () => {
      const file = join(dir, 'w.json');
      const env = { DPROOF_WALLET: file };
      const init = await runDproof(['wallet', 'init', '--json'], env);
      assert.equal(init.code, 0, init.stderr);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal((await runDproof(['wallet', 'init'], env)).code, 1, 'never overwrites a wallet');

      const type = t.runtime.catalog.get('resident-id');
      assert.ok(type);
      const offer = await makeOffer(t, issuerKey, { type: 'resident-id', claims: type.example, tx_code: true });
      const noTx = await runDproof(['wallet', 'receive', offer.offer], env);
      assert.equal(noTx.code, 1);
      assert.match(noTx.stderr, /^dproof: .*tx-code/);
      const got = await runDproof(['wallet', 'receive', offer.offer, '--tx-code', offer.tx_code ?? '', '--batch', '2', '--json'], env);
      assert.equal(got.code, 0, got.stderr);
      assert.equal((JSON.parse(got.stdout) as unknown[]).length, 2);
      assert.equal(statSync(file).mode & 0o777, 0o600);

      const list = await runDproof(['wallet', 'list', '--json'], env);
      const items = JSON.parse(list.stdout) as { configuration: string; key: string }[];
      assert.equal(items.length, 2);
      assert.deepEqual(
        items.map((i) => i.configuration),
        ['resident-id', 'resident-id'],
      );
      assert.notEqual(items[0]?.key, items[1]?.key);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { credentials: { credential: string }[]; keys: unknown[] };
      assert.equal(stored.keys.length, 2);
      for (const c of stored.credentials) {
        await verifySdJwtVc(c.credential, {
          resolveIssuerKey: ({ kid }) => {
            const k = t.runtime.keys.verificationKey(kid ?? '');
            return k && { jwk: k.jwk, alg: k.alg };
          },
          clock: t.runtime.clock,
          skewSeconds: 60,
        });
      }
      // The offer is used up: receiving again fails and the wallet is unchanged.
      const again = await runDproof(['wallet', 'receive', offer.offer, '--tx-code', offer.tx_code ?? ''], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /offer_not_found/);
      assert.equal((JSON.parse((await runDproof(['wallet', 'list', '--json'], env)).stdout) as unknown[]).length, 2);
    });

    it('shows an example in every wallet command help', async () => {
      for (const cmd of ['init', 'receive', 'list', 'present', 'qr', 'history']) {
        const r = await runDproof(['wallet', cmd, '--help'], {});
        assert.equal(r.code, 0);
        assert.match(r.stdout, /Example:/, cmd);
      }
    });
  });
}
