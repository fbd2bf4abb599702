/**
 * The mdoc IACA and document signer held in a PKCS#11 token (SoftHSM): made by the compiled CLI,
 * the DS certificate signed by the IACA inside the token, and the server signing mdocs with the DS.
 * Runs when TEST_SOFTHSM is set (.ci/run sets it).
 */
import 'reflect-metadata';
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { verify, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { IssuerSigned } from '@owf/mdoc';
import { makeStoreTarget, storeTargets } from '../helpers/stores.js';
import { spawnDproof, spawnServer } from '../helpers/spawn-server.js';
import { makeSoftHsmToken, softhsmSkip } from '../helpers/softhsm.js';
import { holderKey } from '../openid4vci/vci-helpers.js';
import { catalogExample } from './mdoc-example.js';

for (const backend of storeTargets()) {
  describe.skipIf(softhsmSkip)(`mdoc keys on a PKCS#11 token (${backend})`, () => {
    it('makes the IACA and DS in the token, and the server signs mdocs with the DS', async () => {
      const token = makeSoftHsmToken();
      const target = await makeStoreTarget(backend);
      const env = { ...target.env, ...token.env };
      try {
        const iaca = await spawnDproof(['keys', 'iaca', '--json'], env);
        assert.equal(iaca.code, 0, iaca.stderr);
        const ds = await spawnDproof(['keys', 'ds', '--json'], env);
        assert.equal(ds.code, 0, ds.stderr);
        const root = new x509.X509Certificate((JSON.parse(iaca.stdout) as { certificate: string }).certificate);
        const dsCert = new x509.X509Certificate((JSON.parse(ds.stdout) as { certificate: string }).certificate);
        assert.equal(await dsCert.verify({ publicKey: root.publicKey, signatureOnly: true }), true);
        const client = await spawnDproof(['clients', 'create', '--role', 'issuer', '--name', 'hsm test', '--json'], env);
        const apiKey = (JSON.parse(client.stdout) as { apiKey: string }).apiKey;

        const server = await spawnServer(env);
        try {
          const { type, claims } = await catalogExample('resident-id');
          const res = await fetch(`${server.url}/v1/credentials`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ type, claims, format: 'mso_mdoc', holder_jwk: holderKey().jwk }),
          });
          const body = (await res.json()) as { credential: string };
          assert.equal(res.status, 201, JSON.stringify(body));
          const auth = IssuerSigned.fromEncodedForOid4Vci(body.credential).issuerAuth;
          assert.equal(Buffer.from(auth.certificateChain[0]!).toString('base64'), Buffer.from(dsCert.rawData).toString('base64'));
          const key = new X509Certificate(auth.certificateChain[0]!).publicKey;
          assert.equal(verify('sha256', auth.toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, auth.signature), true);
        } finally {
          await server.stop();
        }
      } finally {
        await target.cleanup();
        token.cleanup();
      }
    });
  });
}
