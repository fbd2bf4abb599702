/**
 * `dproof keys iaca` / `keys ds` / `keys iaca-certificates`: the mdoc certificate hierarchy made
 * by the operator, rotated like the JWT keys, its private keys encrypted like theirs, and picked
 * up by the key ring (the document signer signs, the IACA roots are the trust anchors).
 */
import 'reflect-metadata';
import { describe, it, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { pino } from 'pino';
import { makeStoreTarget, storeTargets, type StoreTarget } from '../helpers/stores.js';
import { runDproof, spawnDproof } from '../helpers/spawn-server.js';
import { readKeyFile } from '../../src/keys/key-file.js';
import { openStore } from '../../src/store/store.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { FileKeyStore } from '../../src/keys/file-key-store.js';
import { isAppError } from '../../src/errors.js';
import { readAuthorityKeyIds } from '../../src/formats/x509/read-authority-key-ids.js';

interface KeyJson {
  aki?: string | null;
  active: { kid: string; alg: string; state: string };
  retiring: string | null;
  certificate: string;
}

for (const backend of storeTargets()) {
  describe(`mdoc keys from the CLI on ${backend}`, () => {
    let target: StoreTarget;
    beforeAll(async () => {
      target = await makeStoreTarget(backend);
    });
    afterAll(() => target.cleanup());

    it('refuses a document signer before there is an IACA, with no_active_iaca', async () => {
      // A store with no IACA (on a DATA_DIR with no store at all, `keys ds` is store_missing).
      assert.equal((await runDproof(['db', 'migrate'], target.env)).code, 0);
      const r = await runDproof(['keys', 'ds', '--json'], target.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^dproof: there is no active IACA root; run "dproof keys iaca" first\n$/);
      const store = openStore({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.DATA_DIR! });
      try {
        const ring = new KeyRing(store, new FileKeyStore(target.keysDir, target.env.DPROOF_KEY_PASSPHRASE!), pino({ level: 'silent' }));
        await ring.refresh();
        assert.throws(
          () => ring.documentSigner(),
          (e) => isAppError(e) && e.code === 'no_active_key',
        );
      } finally {
        await store.close();
      }
      // The domain error itself, for the catalogue.
      const { makeDocumentSigner } = await import('../../src/keys/manage-mdoc-keys.js');
      const s2 = openStore({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.DATA_DIR! });
      try {
        await assert.rejects(
          makeDocumentSigner(
            {
              store: s2,
              keyStore: new FileKeyStore(target.keysDir, target.env.DPROOF_KEY_PASSPHRASE!),
              clock: { now: () => Date.now() },
              actor: 't',
            },
            { country: 'KR', commonName: 'x', uri: 'http://x' },
          ),
          (e) => isAppError(e) && e.code === 'no_active_iaca' && e.status === 409,
        );
      } finally {
        await s2.close();
      }
    });

    it('makes an IACA and a DS, rotates each (the old one retiring), prints the roots, keeps the private keys encrypted', async () => {
      const iaca1 = JSON.parse((await runDproof(['keys', 'iaca', '--json', '--name', '경찰청 mDL IACA'], target.env)).stdout) as KeyJson;
      assert.equal(iaca1.active.alg, 'mdoc-iaca');
      const ds1 = JSON.parse((await runDproof(['keys', 'ds', '--json'], target.env)).stdout) as KeyJson;
      assert.equal(ds1.active.alg, 'mdoc-ds');
      const iaca2 = JSON.parse((await runDproof(['keys', 'iaca', '--json'], target.env)).stdout) as KeyJson;
      assert.equal(iaca2.retiring, iaca1.active.kid);
      const ds2 = JSON.parse((await runDproof(['keys', 'ds', '--json'], target.env)).stdout) as KeyJson;
      assert.equal(ds2.retiring, ds1.active.kid);
      // The new DS is issued by the new IACA.
      const root = new x509.X509Certificate(iaca2.certificate);
      const ds = new x509.X509Certificate(ds2.certificate);
      assert.equal(await ds.verify({ publicKey: root.publicKey, signatureOnly: true }), true);
      // The aki a verifier puts in DCQL trusted_authorities is what the DS (an mdoc's x5chain) names.
      assert.match(String(iaca2.aki), /^[A-Za-z0-9_-]{27}$/);
      assert.deepEqual(readAuthorityKeyIds([new Uint8Array(ds.rawData)]), [iaca2.aki]);
      assert.notEqual(iaca1.aki, iaca2.aki);
      assert.match(root.subject, /CN=digital-proof IACA/);
      assert.match(new x509.X509Certificate(iaca1.certificate).subject, /CN=경찰청 mDL IACA/);

      // Both roots (active and retiring) are trust anchors.
      const pems = (await runDproof(['keys', 'iaca-certificates'], target.env)).stdout;
      assert.equal(pems.match(/BEGIN CERTIFICATE/g)?.length, 2);
      // Private keys are AES-GCM encrypted files like the JWT keys'.
      const { content } = readKeyFile(join(target.keysDir, `${ds2.active.kid}.key.json`), target.env.DPROOF_KEY_PASSPHRASE!);
      assert.equal(content.kid, ds2.active.kid);
      // `keys list` shows them; `keys jwks` does not publish them.
      const list = (await runDproof(['keys', 'list'], target.env)).stdout;
      assert.match(list, /mdoc-iaca\s+active/);
      assert.match(list, /mdoc-ds\s+retiring/);
      const jwks = (await runDproof(['keys', 'jwks'], target.env)).stdout;
      for (const kid of [iaca1.active.kid, iaca2.active.kid, ds1.active.kid, ds2.active.kid]) assert.ok(!jwks.includes(kid));

      // A node's key ring: signs with the active DS (x5chain = its certificate), trusts both roots.
      const store = openStore({ databaseUrl: target.env.DATABASE_URL, dataDir: target.env.DATA_DIR! });
      try {
        const ring = new KeyRing(store, new FileKeyStore(target.keysDir, target.env.DPROOF_KEY_PASSPHRASE!), pino({ level: 'silent' }));
        await ring.refresh();
        const signer = ring.documentSigner();
        assert.equal(signer.signer.kid, ds2.active.kid);
        assert.equal(signer.x5chain.length, 1);
        assert.equal(new x509.X509Certificate(signer.x5chain[0]!).serialNumber, ds.serialNumber);
        assert.equal(ring.iacaCertificates().length, 2);
        assert.deepEqual(
          ring.jwks().keys.filter((k) => String(k.kid).length > 0 && [iaca1, ds2].some((x) => x.active.kid === k.kid)),
          [],
        );
      } finally {
        await store.close();
      }
    });

    it("gives a document signer its IACA's country (ISO 18013-5 Annex B.1.4) and refuses another, which verifiers would refuse", async () => {
      const iaca = JSON.parse((await runDproof(['keys', 'iaca', '--json', '--country', 'US'], target.env)).stdout) as KeyJson;
      const ds = JSON.parse((await runDproof(['keys', 'ds', '--json'], target.env)).stdout) as KeyJson;
      assert.equal(new x509.X509Certificate(ds.certificate).subjectName.getField('C')[0], 'US');
      assert.equal(new x509.X509Certificate(iaca.certificate).subjectName.getField('C')[0], 'US');
      const named = JSON.parse((await runDproof(['keys', 'ds', '--json', '--country', 'US'], target.env)).stdout) as KeyJson;
      assert.equal(named.retiring, ds.active.kid);
      const other = await runDproof(['keys', 'ds', '--country', 'KR'], target.env);
      assert.equal(other.code, 1);
      assert.match(other.stderr, /^dproof: --country KR is not the IACA's country US: a document signer names its IACA's country/);
      // Nothing changed: the signer made before is still the active one.
      assert.match((await runDproof(['keys', 'list'], target.env)).stdout, new RegExp(`${named.active.kid}\\s+mdoc-ds\\s+active`));
    });

    it('refuses a country that is not two capital letters, in the compiled command', async () => {
      const r = await spawnDproof(['keys', 'iaca', '--country', 'Korea'], target.env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /--country must be an ISO 3166-1 alpha-2 code/);
    });

    it('refuses a certificate name with a direction override or a control character, as a client name is refused', async () => {
      for (const name of ['evil\u202e', 'a\u200bb', 'line\nbreak']) {
        const r = await runDproof(['keys', 'iaca', '--name', name], target.env);
        assert.equal(r.code, 1, name);
        assert.match(r.stderr, /--name must not contain control, format or bidirectional characters/);
      }
    });
  });
}
