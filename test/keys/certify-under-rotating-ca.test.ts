/**
 * `keys issuer-cert` reads the active issuer CA, signs a certificate with it (a key backend call,
 * an HSM round trip) and then writes it. A CA rotation committed in between, followed by a second
 * certify run under the new CA, must not let the first run's write land: the key would carry a
 * certificate of a CA about to retire while the operator was told it is certified under the new
 * one. The key backend is wrapped to hold the first run between its read and its write; the
 * store is the real one.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { storeTargets } from '../helpers/stores.js';
import { certifyIssuerKeys, makeIssuerCa } from '../../src/keys/manage-issuer-certificates.js';
import { certificateChainOf } from '../../src/keys/mdoc-key-rows.js';
import type { KeyBackend } from '../../src/keys/key-backend.js';
import type { KeyRecord } from '../../src/store/repositories/keys-repo.js';
import { isAppError } from '../../src/errors.js';

/** A key backend that stops loading `kid` until released, and says when it got there. */
function holdAt(real: KeyBackend, kid: string) {
  let reached!: () => void;
  let release!: () => void;
  const atHold = new Promise<void>((r) => (reached = r));
  const open = new Promise<void>((r) => (release = r));
  const keyStore: KeyBackend = {
    name: real.name,
    generate: (alg) => real.generate(alg),
    health: () => real.health(),
    close: () => real.close(),
    load: async (rec) => {
      if (rec.kid === kid) {
        reached();
        await open;
      }
      return real.load(rec);
    },
  };
  return { keyStore, atHold, release };
}

const issuedBy = (key: KeyRecord, ca: KeyRecord): boolean => {
  const leaf = new X509Certificate(Buffer.from(key.issuerX5c![0]!, 'base64'));
  const caCert = new X509Certificate(certificateChainOf(ca)[0]!);
  return leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey);
};

for (const backend of storeTargets()) {
  describe(`certifying JWT keys while the issuer CA rotates (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ store: backend });
    });
    afterAll(async () => t?.close());

    const deps = (keyStore = t.runtime.keyStore) => ({ store: t.runtime.store, keyStore, clock: t.clock, actor: 'test' });
    const profile = () => ({ country: 'KR', commonName: 'test issuer', issuer: t.config.publicUrl });
    const subject = (cn: string) => ({ country: 'KR', commonName: cn, uri: t.config.publicUrl });
    const jwtKey = async () => (await t.runtime.store.keys.list()).find((k) => k.alg === t.config.keyAlg && k.state === 'active')!;

    it('a certify run that read a CA rotated meanwhile is refused, and the key keeps the new CA certificate', async () => {
      for (let round = 0; round < 3; round++) {
        const { active: oldCa } = await makeIssuerCa(deps(), subject(`CA ${round}a`));
        const held = holdAt(t.runtime.keyStore, oldCa.kid);
        const first = certifyIssuerKeys(deps(held.keyStore), profile()).then(
          () => 'ok',
          (e: unknown) => e,
        );
        await held.atHold;
        // Between the first run's read of the CA and its write: the CA rotates, a second run certifies under the new one.
        const { active: newCa } = await makeIssuerCa(deps(), subject(`CA ${round}b`));
        const second = await certifyIssuerKeys(deps(), profile());
        assert.ok(second.length >= 1, `round ${round}`);
        held.release();
        const outcome = await first;
        assert.ok(isAppError(outcome), `round ${round}: the first run must be refused, got ${String(outcome)}`);
        assert.equal(outcome.code, 'key_state_changed');
        assert.equal(outcome.status, 409);
        const key = await jwtKey();
        assert.ok(issuedBy(key, newCa), `round ${round}: the key is certified under the active CA`);
        assert.ok(!issuedBy(key, oldCa), `round ${round}: not under the one that retires`);
        assert.equal((await t.runtime.store.keys.get(newCa.kid))?.state, 'active');
      }
    });

    it('a certify run whose CA is still active writes its certificate', async () => {
      const { active: ca } = await makeIssuerCa(deps(), subject('CA steady'));
      const done = await certifyIssuerKeys(deps(), profile());
      assert.ok(done.length >= 1);
      assert.ok(issuedBy(await jwtKey(), ca));
    });
  });
}
