/**
 * GET /v1/wallet/trust-anchors (the web wallet page's anchors for X.509 verifiers): the CA
 * certificates of WALLET_TRUST_ANCHORS, and outside production the root of this service's own
 * development verifier certificate; a certificate that is not a CA is refused at start. Both stores.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { createVerifierIdentity, SERVICE_OWNER } from '../../src/presentation/x509-identity/manage-verifier-identities.js';
import { createDevChain, toPem } from '../../src/presentation/x509-identity/create-certificates.js';
import { generateHolderKey } from '../../src/wallet/holder-key.js';
import { loadConfig } from '../../src/config.js';

const body = (der: Uint8Array) => Buffer.from(der).toString('base64');

for (const backend of storeTargets()) {
  describe(`web wallet trust anchors (${backend})`, () => {
    let t: TestApp;
    let configured: Uint8Array;
    let leaf: Uint8Array;
    const dir = mkdtempSync(join(tmpdir(), 'dproof-anchors-'));

    beforeAll(async () => {
      const chain = await createDevChain({ publicJwk: (await generateHolderKey()).publicJwk, dnsName: 'ca.example', now: Date.now() });
      configured = chain.anchor;
      leaf = chain.x5c[0]!;
      writeFileSync(join(dir, 'ca.pem'), toPem(configured));
      writeFileSync(join(dir, 'leaf.pem'), toPem(leaf));
      t = await startTestApp({
        store: backend,
        env: { PUBLIC_URL: 'https://verifier.example', WALLET_TRUST_ANCHORS: join(dir, 'ca.pem') },
      });
    });
    afterAll(async () => t?.close());

    const anchors = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/v1/wallet/trust-anchors' });
      assert.equal(res.statusCode, 200);
      return res.json<{ anchors: { certificate: string; source: string }[] }>().anchors;
    };

    it('publishes the configured CA, then also the development root of the service’s verifier identity', async () => {
      assert.deepEqual(await anchors(), [{ certificate: body(configured), source: 'configured' }]);
      const created = await createVerifierIdentity(
        { store: t.runtime.store, keyStore: t.runtime.keyStore, clock: t.runtime.clock, actor: 'test' },
        { owner: SERVICE_OWNER, dnsName: 'verifier.example', mode: 'dev' },
      );
      const root = created.anchorPem!.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
      assert.deepEqual(await anchors(), [
        { certificate: body(configured), source: 'configured' },
        { certificate: root, source: 'development' },
      ]);
    });

    it('refuses at start a WALLET_TRUST_ANCHORS file whose certificate is not a CA, or that holds none', () => {
      assert.throws(() => loadConfig({ WALLET_TRUST_ANCHORS: join(dir, 'leaf.pem') }), /WALLET_TRUST_ANCHORS.*not a CA/s);
      writeFileSync(join(dir, 'empty.pem'), 'nothing here');
      assert.throws(() => loadConfig({ WALLET_TRUST_ANCHORS: join(dir, 'empty.pem') }), /WALLET_TRUST_ANCHORS.*no PEM certificate/s);
    });
  });
}
