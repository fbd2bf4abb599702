/**
 * HAIP 1.0 §6.1.1 end to end with the CLI: `dproof keys issuer-ca` and `keys issuer-cert` certify
 * the running server's JWT key; the CLI wallet receives an x5c-signed SD-JWT VC over OpenID4VCI
 * (checking the certificate names the issuer it asked, and its key signed the credential); a
 * verifier whose DCQL `trusted_authorities` (aki) names our issuer CA gets it verified, one that
 * names another authority gets nothing from the wallet. Both stores.
 */
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { runDproof } from '../helpers/spawn-server.js';
import { ageOver19Query, createDcqlRequest } from './helpers.js';
import { initAndReceive, OTHER_AKI, presentRefusedForTrustedAuthorities, presentVerified } from './cli-wallet-steps.js';

for (const backend of storeTargets()) {
  describe(`x5c-signed SD-JWT VC through the CLI wallet, asked for by our issuer CA key identifier (${backend})`, () => {
    let t: TestApp;
    let issuerKey: string;
    let verifierKey: string;
    let dir: string;
    let aki: string;
    const env = () => ({ DPROOF_WALLET: join(dir, 'w.json') });
    const cliEnv = () => ({ ...t.target.env, PUBLIC_URL: t.config.publicUrl });

    beforeAll(async () => {
      t = await startTestApp({ store: backend, listen: true, env: { RATE_LIMIT_PER_MINUTE: '0' } });
      issuerKey = await t.apiKey('issuer');
      verifierKey = await t.apiKey('verifier');
      dir = mkdtempSync(join(tmpdir(), 'dproof-issuer-x5c-cli-'));
      const before = await runDproof(['keys', 'issuer-cert'], cliEnv());
      assert.equal(before.code, 1);
      assert.match(before.stderr, /issuer-ca/);
      const ca = await runDproof(['keys', 'issuer-ca', '--json', '--name', '경찰청 발급자 CA'], cliEnv());
      assert.equal(ca.code, 0, ca.stderr);
      aki = (JSON.parse(ca.stdout) as { aki: string }).aki;
      const cert = await runDproof(['keys', 'issuer-cert'], cliEnv());
      assert.equal(cert.code, 0, cert.stderr);
      assert.match(cert.stdout, /^certified ES256 key .+ \(active\) for http:\/\/127\.0\.0\.1:\d+$/m);
      const pem = await runDproof(['keys', 'issuer-ca-certificates'], cliEnv());
      assert.match(pem.stdout, /^-----BEGIN CERTIFICATE-----/);
      await t.runtime.keys.refresh();
      const type = t.runtime.catalog.get('driver-license')!;
      await initAndReceive(t, issuerKey, env(), { type: type.id, claims: type.example });
      const held = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')) as { credentials: { credential: string }[] };
      const header = JSON.parse(Buffer.from(held.credentials[0]!.credential.split('.')[0]!, 'base64url').toString()) as { x5c?: string[] };
      assert.equal(header.x5c?.length, 1, 'the wallet keeps the x5c-signed credential as it came');
    });
    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const request = (values: string[]) =>
      createDcqlRequest(t.app, verifierKey, {
        ...ageOver19Query(t.runtime.catalog.get('driver-license')!.vct),
        trusted_authorities: [{ type: 'aki', values }],
      });

    it('verifies the x5c-signed SD-JWT VC when the query names our issuer CA', async () => {
      await presentVerified(t, verifierKey, env(), await request([aki]), 'licence');
    });

    it('presents nothing when the query names another authority', async () => {
      await presentRefusedForTrustedAuthorities(env(), (await request([OTHER_AKI])).authorization_request);
    });
  });
}
